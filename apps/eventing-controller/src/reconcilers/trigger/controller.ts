import { Controller } from '@knative-ts/reconciler';
import { compileTriggerFilter } from '@knative-ts/eventfilter';
import { EventingV1, MessagingV1, type Trigger } from '@knative-ts/types';
import { Component, trackedDependencies, type ControllerDeps } from '../deps.js';
import { TriggerReconciler } from './reconciler.js';

/**
 * Wires the Trigger reconciler. Its Broker, subscriber and dependency reach it through
 * the tracker (so a trigger created before its broker recovers when the broker appears);
 * changes of the Subscriptions it controls re-queue it directly.
 */
export function newTriggerController(deps: ControllerDeps): Controller<Trigger> {
  const { client, informers, systemNamespace, clusterDomain, logger } = deps;
  const { references, resolver } = trackedDependencies(deps, () => controller);
  const controller: Controller<Trigger> = new Controller({
    name: 'trigger',
    client,
    informer: informers.informerFor<Trigger>(EventingV1, 'Trigger'),
    reconciler: new TriggerReconciler({
      client,
      references,
      resolver,
      validateFilter: compileTriggerFilter,
      systemNamespace,
      clusterDomain,
    }),
    component: Component,
    logger,
  });
  informers.informerFor(MessagingV1, 'Subscription').addEventHandler({
    onAdd: (sub) => controller.enqueueControllerOf(sub),
    onUpdate: (_old, sub) => controller.enqueueControllerOf(sub),
    onDelete: (sub) => controller.enqueueControllerOf(sub),
  });
  return controller;
}
