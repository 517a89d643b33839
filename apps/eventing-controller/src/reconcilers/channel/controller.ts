import { Controller } from '@knative-ts/reconciler';
import { MessagingV1, type Channel } from '@knative-ts/types';
import { Component, trackedDependencies, type ControllerDeps } from '../deps.js';
import { ChannelReconciler } from './reconciler.js';

/**
 * Wires the Channel reconciler. Backing channels of any kind reach it through the
 * tracker: each reconcile tracks its backing channel, which starts an informer for that
 * kind on first use.
 */
export function newChannelController(deps: ControllerDeps): Controller<Channel> {
  const { client, informers, systemNamespace, logger } = deps;
  const { references } = trackedDependencies(deps, () => controller);
  const controller: Controller<Channel> = new Controller({
    name: 'channel',
    client,
    informer: informers.informerFor<Channel>(MessagingV1, 'Channel'),
    reconciler: new ChannelReconciler({ client, references, systemNamespace }),
    component: Component,
    logger,
  });
  return controller;
}
