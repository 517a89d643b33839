import type { KubeClient } from '@knative-ts/kube';
import type { Logger } from '@knative-ts/reconciler';
import {
  disableWebhookConversion,
  enableWebhookConversion,
  type WebhookEndpoint,
} from './crd-conversion.js';
import { ensureServingCertificate } from './serving-certificate.js';
import { startConversionWebhookServer } from './webhook-server.js';

/** Knative's webhook Service and certificate Secret names, in the system namespace. */
export const WebhookServiceName = 'eventing-webhook';
export const WebhookSecretName = 'eventing-webhook-certs';

export interface ConversionOptions {
  client: KubeClient;
  systemNamespace: string;
  clusterDomain: string;
  /** HTTPS port of the webhook. */
  port: number;
  /** Local mode: the URL the API server posts to (e.g. https://127.0.0.1:<port>); else the Service. */
  url: string;
  log: Logger;
}

/**
 * Serves EventType conversion and points the CRD at it: the certificate from the shared
 * Secret, the HTTPS server, then the CRD's conversion (Service or URL, with the CA bundle).
 * The returned closer stops the server and, for a URL, sets the CRD back to strategy None.
 */
export async function startEventTypeConversion(o: ConversionOptions): Promise<() => Promise<void>> {
  const service = `${WebhookServiceName}.${o.systemNamespace}.svc`;
  const certificate = await ensureServingCertificate({
    client: o.client,
    namespace: o.systemNamespace,
    secretName: WebhookSecretName,
    dnsNames: [service, `${service}.${o.clusterDomain}`],
    ips: ['127.0.0.1'],
  });
  const server = await startConversionWebhookServer({ port: o.port, certificate, log: o.log });
  const endpoint: WebhookEndpoint = o.url
    ? { kind: 'url', url: o.url }
    : { kind: 'service', namespace: o.systemNamespace, name: WebhookServiceName, port: 443 };
  await enableWebhookConversion(o.client, endpoint, certificate.caPem);
  o.log.info({ port: server.port, endpoint }, 'eventtype conversion webhook serving');
  return async () => {
    if (endpoint.kind === 'url') {
      await disableWebhookConversion(o.client).catch((err: unknown) =>
        o.log.error({ err }, 'could not set EventType conversion back to None'),
      );
    }
    await server.close();
  };
}
