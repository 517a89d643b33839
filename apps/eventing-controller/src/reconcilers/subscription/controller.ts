import { Controller } from '@knative-ts/reconciler';
import { MessagingV1, type Subscription } from '@knative-ts/types';
import { Component, trackedDependencies, type ControllerDeps } from '../deps.js';
import { SubscriptionReconciler } from './reconciler.js';

/** Subscriptions reconciled at once. */
export const SubscriptionWorkers = 16;

/**
 * Wires the Subscription reconciler. Channels, backing channels and every addressable a
 * Subscription refers to reach it through the tracker, so a missing object re-queues the
 * Subscription when it appears. The finalizer is `subscriptions.messaging.knative.dev`.
 */
export function newSubscriptionController(deps: ControllerDeps): Controller<Subscription> {
  const { client, informers, logger } = deps;
  const { references, resolver } = trackedDependencies(deps, () => controller);
  const controller: Controller<Subscription> = new Controller({
    name: 'subscription',
    client,
    informer: informers.informerFor<Subscription>(MessagingV1, 'Subscription'),
    reconciler: new SubscriptionReconciler({ client, references, resolver }),
    // More than the default 2: a reconcile waits for its channel's group commit
    // (SubscriberWriter), and the writes of those waiting together go out as one patch.
    workers: SubscriptionWorkers,
    component: Component,
    logger,
  });
  return controller;
}
