import type { KubeObject } from '@knative-ts/kube';
import { Controller } from '@knative-ts/reconciler';
import { EventingV1beta3, SourcesV1, type PingSource } from '@knative-ts/types';
import { Component, trackedDependencies, type ControllerDeps } from '../deps.js';
import { SourceEventTypes } from '../eventtype/source-event-types.js';
import { ServiceNameLabel } from '../service-endpoints.js';
import { PingAdapterName, PingSourceReconciler } from './reconciler.js';

/**
 * Wires the PingSource reconciler: PingSource changes, sinks through the tracker, the
 * EventTypes it owns, and any change of the shared adapter's Service or EndpointSlices,
 * which concerns every PingSource (as the adapter Deployment's changes do in Knative).
 */
export function newPingSourceController(deps: ControllerDeps): Controller<PingSource> {
  const { client, informers, systemNamespace, logger } = deps;
  const informer = informers.informerFor<PingSource>(SourcesV1, 'PingSource');
  const { references, resolver } = trackedDependencies(deps, () => controller);
  const controller: Controller<PingSource> = new Controller({
    name: 'pingsource',
    client,
    informer,
    reconciler: new PingSourceReconciler({
      references,
      resolver,
      systemNamespace,
      eventTypes: new SourceEventTypes({ client, references }),
    }),
    component: Component,
    logger,
  });

  const isAdapter = (obj: KubeObject, name: string | undefined): boolean =>
    obj.metadata.namespace === systemNamespace && name === PingAdapterName;
  const resyncAll = (): void => {
    for (const source of informer.cache.list()) controller.enqueue(source);
  };
  const onService = (svc: KubeObject): void => {
    if (isAdapter(svc, svc.metadata.name)) resyncAll();
  };
  const onSlice = (slice: KubeObject): void => {
    if (isAdapter(slice, slice.metadata.labels?.[ServiceNameLabel])) resyncAll();
  };
  // The EventTypes a PingSource registers: one deleted by hand is created again.
  const onEventType = (et: KubeObject): void => controller.enqueueControllerOf(et);
  informers.informerFor(EventingV1beta3, 'EventType').addEventHandler({
    onAdd: onEventType,
    onUpdate: (_old, et) => onEventType(et),
    onDelete: onEventType,
  });
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
