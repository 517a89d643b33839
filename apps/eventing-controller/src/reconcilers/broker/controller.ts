import type { KubeObject } from '@knative-ts/kube';
import { Controller } from '@knative-ts/reconciler';
import { EventingV1, SystemService, type Broker } from '@knative-ts/types';
import { Component, trackedDependencies, type ControllerDeps } from '../deps.js';
import { ServiceNameLabel } from '../service-endpoints.js';
import { BrokerReconciler } from './reconciler.js';

const dataPlane = new Set<string>([SystemService.BrokerIngress, SystemService.BrokerFilter]);

/**
 * Wires the Broker reconciler. Trigger channels (of any kind) and config ConfigMaps reach
 * it through the tracker; a change of the shared broker-ingress / broker-filter Services
 * or their EndpointSlices concerns every broker, as Knative's global resync does.
 */
export function newBrokerController(deps: ControllerDeps): Controller<Broker> {
  const { client, informers, systemNamespace, clusterDomain, logger } = deps;
  const informer = informers.informerFor<Broker>(EventingV1, 'Broker');
  const { references, resolver } = trackedDependencies(deps, () => controller);
  const controller: Controller<Broker> = new Controller({
    name: 'broker',
    client,
    informer,
    reconciler: new BrokerReconciler({
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
    for (const broker of informer.cache.list()) controller.enqueue(broker);
  };
  const onDataPlane = (name: string | undefined) => (obj: KubeObject) => {
    if (obj.metadata.namespace === systemNamespace && name !== undefined && dataPlane.has(name)) {
      resyncAll();
    }
  };
  const onService = (svc: KubeObject): void => onDataPlane(svc.metadata.name)(svc);
  const onSlice = (slice: KubeObject): void =>
    onDataPlane(slice.metadata.labels?.[ServiceNameLabel])(slice);
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
