import type { KubeClient, ObjectRef } from '@knative-ts/kube';
import { ConversionPath } from './webhook-server.js';

/** The CRD this controller converts. */
export const EventTypeCrdName = 'eventtypes.eventing.knative.dev';

/** How the API server reaches the webhook: a Service in a cluster, a URL in local mode. */
export type WebhookEndpoint =
  { kind: 'service'; namespace: string; name: string; port: number } | { kind: 'url'; url: string };

const crdRef = (name: string): ObjectRef => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  name,
});

/** The `spec.conversion` that sends conversions to `endpoint`, trusting `caPem`. */
export function webhookConversion(endpoint: WebhookEndpoint, caPem: string): object {
  const caBundle = Buffer.from(caPem).toString('base64');
  const clientConfig =
    endpoint.kind === 'url'
      ? { url: `${endpoint.url.replace(/\/$/, '')}${ConversionPath}`, service: null, caBundle }
      : {
          url: null,
          service: {
            namespace: endpoint.namespace,
            name: endpoint.name,
            port: endpoint.port,
            path: ConversionPath,
          },
          caBundle,
        };
  return { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'], clientConfig } };
}

/**
 * Points the CRD's conversion at this webhook, as Knative's webhook fills in its CRDs'
 * conversion client config; a merge patch, so nothing else of the CRD is touched.
 */
export async function enableWebhookConversion(
  client: KubeClient,
  endpoint: WebhookEndpoint,
  caPem: string,
  crdName = EventTypeCrdName,
): Promise<void> {
  await client.patch(crdRef(crdName), { spec: { conversion: webhookConversion(endpoint, caPem) } });
}

/**
 * Back to strategy None. Only for a URL endpoint, which names this very process: once it
 * stops nobody serves that URL, and every read needing conversion would fail.
 */
export async function disableWebhookConversion(
  client: KubeClient,
  crdName = EventTypeCrdName,
): Promise<void> {
  await client.patch(crdRef(crdName), {
    spec: { conversion: { strategy: 'None', webhook: null } },
  });
}
