import { Controller } from '@knative-ts/reconciler';
import { EventingV1beta3, type EventTypeV1beta3 } from '@knative-ts/types';
import { Component, trackedDependencies, type ControllerDeps } from '../deps.js';
import { EventTypeReconciler } from './reconciler.js';

/**
 * Wires the EventType reconciler on the v1beta3 informer (the storage version, so the
 * informer never depends on the conversion webhook); referents re-queue through the tracker.
 */
export function newEventTypeController(deps: ControllerDeps): Controller<EventTypeV1beta3> {
  const { client, informers, logger } = deps;
  const informer = informers.informerFor<EventTypeV1beta3>(EventingV1beta3, 'EventType');
  const { references } = trackedDependencies(deps, () => controller);
  const controller: Controller<EventTypeV1beta3> = new Controller({
    name: 'eventtype',
    client,
    informer,
    reconciler: new EventTypeReconciler({ references }),
    component: Component,
    logger,
  });
  return controller;
}
