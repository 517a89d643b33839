/**
 * What a channel dispatcher (in-memory, Kafka, JetStream) runs for the Broker trigger
 * channels it carries, from one Trigger informer:
 * - the prefilter (@knative-ts/delivery TriggerPrefilter): a Trigger whose filter rejects
 *   the event costs no request and no call at all;
 * - broker-filter's work in-process (local-trigger-delivery.ts) for the Triggers it knows:
 *   the Trigger table, the Brokers' timeouts, broker-filter's metrics on the dispatcher's
 *   registry, and the Sender of the single attempt. The dispatcher passes
 *   `localDestinations` to the Senders of its channels.
 * Each is switched by its variable, read once at start-up.
 */
import {
  logDeliveryFailures,
  observeAll,
  Sender,
  senderSettings,
  triggerInformer,
  TriggerPrefilter,
  triggerPrefilterSchema,
  watchTriggers,
  type HttpTransport,
  type LocalDestinations,
} from '@knative-ts/delivery';
import { compileTriggerFilter } from '@knative-ts/eventfilter';
import type { EventTypeObserver } from '@knative-ts/eventtype-registry';
import type { KubeClient } from '@knative-ts/kube';
import type { Logger } from '@knative-ts/runtime';
import { bool, type Registry } from '@knative-ts/runtime';
import { BrokerTimeouts } from './broker-timeouts.js';
import { FilterMetrics } from './filter-metrics.js';
import { localTriggerDelivery } from './local-trigger-delivery.js';
import { TriggerWatcher } from './trigger-table.js';

/** The switches, as each channel dispatcher's schema reads them (both default on). */
export const triggerChannelSchema = {
  ...triggerPrefilterSchema,
  /**
   * Whether a Broker's trigger channel runs broker-filter's work in this process for the
   * Triggers it knows: the same answer, retries, reply and dead letter, without the HTTP
   * hop to broker-filter. Off: every matching event goes to broker-filter over HTTP, as in
   * Knative's channel-based broker.
   */
  TRIGGER_DELIVERY_IN_PROCESS: bool(true),
};

export interface TriggerChannelSupportOptions {
  /** The dispatcher's config: the switches, its pod and container names, delivery limits. */
  env: Parameters<typeof senderSettings>[0] & {
    TRIGGER_PREFILTER: boolean;
    TRIGGER_DELIVERY_IN_PROCESS: boolean;
    POD_NAME: string;
    CONTAINER_NAME: string;
  };
  client: KubeClient;
  log: Logger;
  registry: Registry;
  transport: HttpTransport;
  brokerFilterHost: string;
  eventTypes?: EventTypeObserver;
}

export interface TriggerChannelSupport {
  prefilter?: TriggerPrefilter;
  localDestinations?: LocalDestinations;
  stop(): Promise<void>;
}

export function startTriggerChannelSupport(o: TriggerChannelSupportOptions): TriggerChannelSupport {
  const { env, client, log } = o;
  if (!env.TRIGGER_PREFILTER && !env.TRIGGER_DELIVERY_IN_PROCESS) return { stop: async () => {} };
  const informer = triggerInformer(client, log);
  const stops: Array<() => Promise<void>> = [() => informer.stop()];
  const support: TriggerChannelSupport = {
    stop: async () => {
      await Promise.all(stops.map((stop) => stop()));
    },
  };
  if (env.TRIGGER_PREFILTER) {
    support.prefilter = new TriggerPrefilter(o.brokerFilterHost, compileTriggerFilter);
    watchTriggers({ client, prefilter: support.prefilter, log, informer });
  }
  if (env.TRIGGER_DELIVERY_IN_PROCESS) {
    const triggers = new TriggerWatcher({
      client,
      compileFilter: compileTriggerFilter,
      log,
      informer,
    });
    const brokers = new BrokerTimeouts({ client, log });
    support.localDestinations = localTriggerDelivery({
      brokerFilterHost: o.brokerFilterHost,
      triggers: triggers.table,
      brokers,
      sender: new Sender({
        ...senderSettings(env),
        transport: o.transport,
        observer: observeAll(logDeliveryFailures(log)),
      }),
      // broker-filter's attempts made here report as broker-filter's do.
      metrics: new FilterMetrics({
        registry: o.registry,
        podName: env.POD_NAME,
        containerName: env.CONTAINER_NAME,
      }),
      log,
      ...(o.eventTypes && { eventTypes: o.eventTypes }),
    });
    brokers.start();
    stops.push(() => brokers.stop());
  }
  informer.start();
  return support;
}
