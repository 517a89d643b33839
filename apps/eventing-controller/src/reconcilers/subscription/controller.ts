import { Controller } from '@knative-ts/reconciler';
import { MessagingV1, type Subscription } from '@knative-ts/types';
import { Component, trackedDependencies, type ControllerDeps } from '../deps.js';
import { SubscriptionReconciler } from './reconciler.js';

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
    component: Component,
    logger,
  });
  return controller;
}
