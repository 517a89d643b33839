import type { KubeObject } from '@knative-ts/kube';
import { Controller } from '@knative-ts/reconciler';
import { SourcesV1, type ContainerSource } from '@knative-ts/types';
import { Component, type ControllerDeps } from '../deps.js';
import { ContainerSourceReconciler } from './reconciler.js';

/** Wires the ContainerSource reconciler: source changes and changes of its two children. */
export function newContainerSourceController(deps: ControllerDeps): Controller<ContainerSource> {
  const { client, informers, logger } = deps;
  const informer = informers.informerFor<ContainerSource>(SourcesV1, 'ContainerSource');
  const controller: Controller<ContainerSource> = new Controller({
    name: 'containersource',
    client,
    informer,
    reconciler: new ContainerSourceReconciler({ client, logger }),
    component: Component,
    logger,
  });
  const onChild = (obj: KubeObject): void => controller.enqueueControllerOf(obj);
  for (const [apiVersion, kind] of [
    ['apps/v1', 'Deployment'],
    [SourcesV1, 'SinkBinding'],
  ] as const) {
    informers.informerFor(apiVersion, kind).addEventHandler({
      onAdd: onChild,
      onUpdate: (_old, obj) => onChild(obj),
      onDelete: onChild,
    });
  }
  return controller;
}
