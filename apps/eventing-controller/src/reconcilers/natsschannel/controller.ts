import type { KubeObject } from '@knative-ts/kube';
import { Controller, type Informer } from '@knative-ts/reconciler';
import { MessagingV1alpha1, type JetStreamChannelKind, type NatssChannel } from '@knative-ts/types';
import { Component, trackedDependencies, type ControllerDeps } from '../deps.js';
import type { StreamStore } from './jetstream-streams.js';
import { JetStreamChannelReconciler } from './reconciler.js';
import { DispatcherName } from './resources/make-channel-service.js';

/**
 * One controller per JetStream channel kind (our NatssChannel and eventing-natss's
 * NatsJetStreamChannel), both with the same reconciler, so Knative YAML and ours both work.
 * Each follows its channels, the Services they own, and the dispatcher Service and its
 * EndpointSlices (which concern every channel).
 */
export function newJetStreamChannelControllers(
  deps: ControllerDeps,
  streams: StreamStore | undefined,
): Array<Controller<NatssChannel>> {
  const { informers } = deps;
  return [
    newController(
      deps,
      'NatssChannel',
      informers.informerFor<NatssChannel>(MessagingV1alpha1, 'NatssChannel'),
      streams,
    ),
    newController(
      deps,
      'NatsJetStreamChannel',
      informers.informerFor<NatssChannel>(MessagingV1alpha1, 'NatsJetStreamChannel'),
      streams,
    ),
  ];
}

function newController(
  deps: ControllerDeps,
  kind: JetStreamChannelKind,
  informer: Informer<NatssChannel>,
  streams: StreamStore | undefined,
): Controller<NatssChannel> {
  const { client, informers, systemNamespace, clusterDomain, logger } = deps;
  const { references, resolver } = trackedDependencies(deps, () => controller);
  const controller: Controller<NatssChannel> = new Controller({
    name: kind.toLowerCase(),
    client,
    informer,
    reconciler: new JetStreamChannelReconciler({
      client,
      references,
      resolver,
      streams,
      systemNamespace,
      clusterDomain,
    }),
    component: Component,
    logger,
  });

  const resyncAll = (): void => {
    for (const channel of informer.cache.list()) controller.enqueue(channel);
  };
  const isDispatcher = (obj: KubeObject, name: string | undefined): boolean =>
    obj.metadata.namespace === systemNamespace && name === DispatcherName;
  const onService = (svc: KubeObject): void => {
    if (isDispatcher(svc, svc.metadata.name)) resyncAll();
    else if (svc.metadata.ownerReferences?.some((o) => o.kind === kind))
      controller.enqueueControllerOf(svc);
  };
  const onSlice = (slice: KubeObject): void => {
    if (isDispatcher(slice, slice.metadata.labels?.['kubernetes.io/service-name'])) resyncAll();
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
