import type { KubeObject } from '@knative-ts/kube';
import { Controller } from '@knative-ts/reconciler';
import { MessagingV1, type InMemoryChannel } from '@knative-ts/types';
import { Component, trackedDependencies, type ControllerDeps } from '../deps.js';
import { InMemoryChannelReconciler } from './reconciler.js';
import { DispatcherName } from './resources/make-channel-service.js';

/**
 * Wires the InMemoryChannel reconciler: IMC changes, changes of the channel Services it
 * owns, and any change of the dispatcher Service or its EndpointSlices (which concern
 * every IMC, as Knative's global resync does).
 */
export function newInMemoryChannelController(deps: ControllerDeps): Controller<InMemoryChannel> {
  const { client, informers, systemNamespace, clusterDomain, logger } = deps;
  const informer = informers.informerFor<InMemoryChannel>(MessagingV1, 'InMemoryChannel');
  const { references, resolver } = trackedDependencies(deps, () => controller);
  const controller: Controller<InMemoryChannel> = new Controller({
    name: 'inmemorychannel',
    client,
    informer,
    reconciler: new InMemoryChannelReconciler({
      client,
      references,
      resolver,
      systemNamespace,
      clusterDomain,
    }),
    component: Component,
    logger,
  });

  const resyncAll = (): void => {
    for (const imc of informer.cache.list()) controller.enqueue(imc);
  };
  const inSystemNamespace = (obj: KubeObject): boolean =>
    obj.metadata.namespace === systemNamespace;
  const onService = (svc: KubeObject): void => {
    if (inSystemNamespace(svc) && svc.metadata.name === DispatcherName) resyncAll();
    else controller.enqueueControllerOf(svc);
  };
  const onSlice = (slice: KubeObject): void => {
    if (
      inSystemNamespace(slice) &&
      slice.metadata.labels?.['kubernetes.io/service-name'] === DispatcherName
    ) {
      resyncAll();
    }
  };
  informers.informerFor('v1', 'Service').addEventHandler({
    onAdd: onService,
    onUpdate: (_old, svc) => onService(svc),
    onDelete: onService,
  });
  informers.informerFor('discovery.k8s.io/v1', 'EndpointSlice').addEventHandler({
    onAdd: onSlice,
    onUpdate: (_old, slice) => onSlice(slice),
    onDelete: onSlice,
  });
  return controller;
}
