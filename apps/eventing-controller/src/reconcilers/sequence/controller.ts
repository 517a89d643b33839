import { Controller } from '@knative-ts/reconciler';
import { FlowsV1, type Sequence } from '@knative-ts/types';
import { Component, trackedDependencies, type ControllerDeps } from '../deps.js';
import { watchOwnedSubscriptions } from '../flows/watch-owned.js';
import { SequenceReconciler } from './reconciler.js';

/**
 * Wires the Sequence reconciler: Sequence changes, changes of the Subscriptions it controls,
 * and (through the tracker) changes of its channels of whatever kind the template names.
 */
export function newSequenceController(deps: ControllerDeps): Controller<Sequence> {
  const { client, informers, systemNamespace, logger } = deps;
  const { references } = trackedDependencies(deps, () => controller);
  const controller: Controller<Sequence> = new Controller({
    name: 'sequence',
    client,
    informer: informers.informerFor<Sequence>(FlowsV1, 'Sequence'),
    reconciler: new SequenceReconciler({ client, references, systemNamespace }),
    component: Component,
    logger,
  });
  watchOwnedSubscriptions(informers, controller);
  return controller;
}
