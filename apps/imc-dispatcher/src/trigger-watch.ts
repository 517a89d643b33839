/**
 * Keeps a TriggerPrefilter in step with every Trigger in the cluster (read-only; the
 * chart grants the dispatcher get/list/watch on triggers). Until the first list is in,
 * the prefilter knows no Trigger and every event goes to broker-filter as before.
 */
import type { TriggerPrefilter } from '@knative-ts/delivery';
import type { KubeClient } from '@knative-ts/kube';
import { Informer, type Logger } from '@knative-ts/reconciler';
import type { Trigger } from '@knative-ts/types';

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
