import { Controller } from '@knative-ts/reconciler';
import { FlowsV1, type Parallel } from '@knative-ts/types';
import { Component, trackedDependencies, type ControllerDeps } from '../deps.js';
import { watchOwnedSubscriptions } from '../flows/watch-owned.js';
import { ParallelReconciler } from './reconciler.js';

/**
 * Wires the Parallel reconciler: Parallel changes, changes of the Subscriptions it controls,
 * and (through the tracker) changes of its channels of whatever kind the template names.
 */
export function newParallelController(deps: ControllerDeps): Controller<Parallel> {
  const { client, informers, systemNamespace, logger } = deps;
  const { references } = trackedDependencies(deps, () => controller);
  const controller: Controller<Parallel> = new Controller({
    name: 'parallel',
    client,
    informer: informers.informerFor<Parallel>(FlowsV1, 'Parallel'),
    reconciler: new ParallelReconciler({ client, references, systemNamespace }),
    component: Component,
    logger,
  });
  watchOwnedSubscriptions(informers, controller);
  return controller;
}
