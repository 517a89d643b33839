/**
 * Keeps a TriggerPrefilter in step with every Trigger in the cluster (read-only; the
 * chart grants each channel dispatcher get/list/watch on triggers). Until the first list
 * is in, the prefilter knows no Trigger and every event goes to broker-filter as before.
 * Shared by the three channel dispatchers (in-memory, Kafka, JetStream).
 */
import type { KubeClient } from '@knative-ts/kube';
import { Informer, type Logger } from '@knative-ts/reconciler';
import { bool } from '@knative-ts/runtime';
import type { Trigger } from '@knative-ts/types';
import type { TriggerPrefilter } from './trigger-prefilter.js';

/** The switch, as each dispatcher's schema reads it once at start-up (default on). */
export const triggerPrefilterSchema = {
  /**
   * Whether a Broker's trigger channel skips the request to broker-filter for a Trigger
   * whose filter rejects the event (broker-filter would answer 200 and deliver nothing).
   * Off: every Trigger gets every event's request, as Knative's channel-based broker does.
   */
  TRIGGER_PREFILTER: bool(true),
};

/** Starts an informer on Triggers that loads each one into `prefilter`. */
export function watchTriggers(options: {
  client: KubeClient;
  prefilter: Pick<TriggerPrefilter, 'set' | 'delete'>;
  log: Logger;
  /** An informer shared with other Trigger consumers (started here). */
  informer?: Informer<Trigger>;
}): Informer<Trigger> {
  const { prefilter } = options;
  const informer = options.informer ?? triggerInformer(options.client, options.log);
  informer.addEventHandler({
    onAdd: (t) => prefilter.set(t),
    onUpdate: (old, t) => {
      // Resyncs re-deliver the same object: compile only what changed.
      if (old !== t) prefilter.set(t);
    },
    onDelete: (t) => prefilter.delete(t),
  });
  informer.start();
  return informer;
}

/** An informer on every Trigger in the cluster. */
export function triggerInformer(client: KubeClient, log: Logger): Informer<Trigger> {
  return new Informer<Trigger>({
    client,
    apiVersion: 'eventing.knative.dev/v1',
    kind: 'Trigger',
    logger: log,
  });
}
