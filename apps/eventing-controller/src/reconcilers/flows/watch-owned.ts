import type { KubeObject } from '@knative-ts/kube';
import type { Controller } from '@knative-ts/reconciler';
import { MessagingV1 } from '@knative-ts/types';
import type { DynamicInformers } from '../../references/dynamic-informers.js';

/**
 * Re-queues a flow whenever a Subscription it controls changes or disappears (Knative's
 * FilterControllerGK + EnqueueControllerOf on the Subscription informer): readiness flows
 * up, and a Subscription deleted for re-creation is re-created.
 */
export function watchOwnedSubscriptions<T extends KubeObject>(
  informers: DynamicInformers,
  controller: Controller<T>,
): void {
  const enqueue = (sub: KubeObject): void => controller.enqueueControllerOf(sub);
  informers.informerFor(MessagingV1, 'Subscription').addEventHandler({
    onAdd: enqueue,
    onUpdate: (_old, sub) => enqueue(sub),
    onDelete: enqueue,
  });
}
