/**
 * One ApiServerSource's adapter: watch what K_SOURCE_CONFIG names, turn each change into
 * a CloudEvent, send it to K_SINK through the delivery engine (in order, with retries),
 * and count what was sent with Knative's source metrics.
 */
import {
  logDeliveryFailures,
  observeAll,
  Sender,
  type DeliveryConfig,
  type HttpTransport,
} from '@knative-ts/delivery';
import type { KubeClient } from '@knative-ts/kube';
import type { Logger } from '@knative-ts/reconciler';
import { parseApiServerAdapterConfig } from '@knative-ts/types';
import type { Registry } from 'prom-client';
import { EventBuilder, parseOverrides } from './event-builder.js';
import { SourceMetrics } from './metrics.js';
import { ResourceWatcher } from './resource-watcher.js';
import { SerialSender } from './serial-sender.js';

/**
 * Knative's adapters retry a failed send with exponential backoff; 5 retries from 50 ms
 * (as its ping adapter) keep a flapping sink from losing events without stalling the
 * stream for long.
 */
export const SOURCE_DELIVERY: DeliveryConfig = {
  retry: 5,
  backoffPolicy: 'exponential',
  backoffDelayMs: 50,
  format: 'binary',
};

export interface AdapterOptions {
  client: KubeClient;
  transport: HttpTransport;
  registry: Registry;
  log: Logger;
  env: {
    K_SINK: string;
    K_SOURCE_CONFIG: string;
    K_CE_OVERRIDES: string;
    NAMESPACE: string;
    NAME: string;
  };
  /** The API server URL: every event's `source`. */
  apiServerHost: string;
}

export interface RunningAdapter {
  ready(): boolean;
  /** Stops watching, then sends what is queued. */
  stop(): Promise<void>;
}

/** Starts watching and sending; throws when the configuration is malformed. */
export function startAdapter(options: AdapterOptions): RunningAdapter {
  const { env, log } = options;
  const config = parseApiServerAdapterConfig(env.K_SOURCE_CONFIG);
  const builder = new EventBuilder({
    mode: config.mode,
    source: options.apiServerHost,
    extensions: parseOverrides(env.K_CE_OVERRIDES),
  });
  const metrics = new SourceMetrics({
    registry: options.registry,
    name: env.NAME,
    namespace: env.NAMESPACE,
    resourceGroup: 'apiserversources.sources.knative.dev',
  });
  // Every attempt is observed at one point: Knative's source metrics, and failures logged.
  const sender = new Sender({
    transport: options.transport,
    observer: observeAll(metrics.observer(), logDeliveryFailures(log)),
  });
  const queue = new SerialSender({
    // A source forwards to its sink: no reply is asked for (no Prefer: reply).
    send: (event) => sender.send(event, env.K_SINK, { config: SOURCE_DELIVERY, role: 'forward' }),
    log,
  });
  const watcher = new ResourceWatcher({
    client: options.client,
    config,
    log,
    onChange: (change, obj) => {
      try {
        queue.push(builder.build(change, obj));
      } catch (err) {
        log.error(
          {
            err,
            change,
            kind: obj.kind,
            name: obj.metadata.name,
            namespace: obj.metadata.namespace,
          },
          'event not built',
        );
      }
    },
  });
  watcher.start();
  log.info(
    {
      sink: env.K_SINK,
      mode: config.mode,
      namespaces: config.allNamespaces ? '*' : config.namespaces,
      resources: config.resources.map((r) => `${r.apiVersion}/${r.kind}`),
    },
    'watching',
  );
  return {
    ready: () => watcher.ready(),
    async stop() {
      await watcher.stop();
      await queue.flush();
    },
  };
}
