import type { KubeObject } from '@knative-ts/kube';
import { Controller } from '@knative-ts/reconciler';
import { MessagingV1beta1, type KafkaChannel } from '@knative-ts/types';
import { Component, trackedDependencies, type ControllerDeps } from '../deps.js';
import { ServiceNameLabel } from '../service-endpoints.js';
import { KafkaJsAdmin, type KafkaAdmin } from './kafka-admin.js';
import { KafkaChannelReconciler } from './reconciler.js';
import { DispatcherName } from './resources/make-channel-service.js';

/**
 * Wires the KafkaChannel reconciler: KafkaChannel changes, the channel Services they own,
 * and any change of the dispatcher Service or its EndpointSlices (which concern every
 * KafkaChannel). The ConfigMap `kafka-channel-config` is tracked by each reconcile.
 */
export function newKafkaChannelController(
  deps: ControllerDeps,
  kafka: KafkaAdmin = new KafkaJsAdmin(deps.logger),
): Controller<KafkaChannel> {
  const { client, informers, systemNamespace, clusterDomain, logger } = deps;
  const informer = informers.informerFor<KafkaChannel>(MessagingV1beta1, 'KafkaChannel');
  const { references, resolver } = trackedDependencies(deps, () => controller);
  const controller: Controller<KafkaChannel> = new Controller<KafkaChannel>({
    name: 'kafkachannel',
    client,
    informer,
    reconciler: new KafkaChannelReconciler({
      client,
      references,
      resolver,
      kafka,
      systemNamespace,
      clusterDomain,
    }),
    component: Component,
    // Knative's finalizer name for KafkaChannels.
    finalizerName: 'kafkachannels.messaging.knative.dev',
    logger,
  });
  const stop = controller.stop.bind(controller);
  controller.stop = async () => {
    await stop();
    await kafka.close();
  };

  const resyncAll = (): void => {
    for (const kc of informer.cache.list()) controller.enqueue(kc);
  };
  const inSystemNamespace = (obj: KubeObject): boolean =>
    obj.metadata.namespace === systemNamespace;
  const onService = (svc: KubeObject): void => {
    if (inSystemNamespace(svc) && svc.metadata.name === DispatcherName) resyncAll();
    else controller.enqueueControllerOf(svc);
  };
  const onSlice = (slice: KubeObject): void => {
    if (inSystemNamespace(slice) && slice.metadata.labels?.[ServiceNameLabel] === DispatcherName)
      resyncAll();
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
