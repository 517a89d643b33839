import type { KubeObject } from '@knative-ts/kube';
import { Controller } from '@knative-ts/reconciler';
import { SourcesV1, type SinkBinding } from '@knative-ts/types';
import { Component, trackedDependencies, type ControllerDeps } from '../deps.js';
import { SinkBindingReconciler } from './reconciler.js';
import { isSubject } from './subjects.js';

/**
 * Wires the SinkBinding reconciler: binding changes, sinks and named subjects through the
 * tracker, and every change of any object that a binding's subject (by name or selector)
 * covers, on every informer there is, so subjects created later (or whose owner rewrote
 * their env) are bound again. This is what Knative's admission webhook does at creation.
 */
export function newSinkBindingController(deps: ControllerDeps): Controller<SinkBinding> {
  const { client, informers, logger } = deps;
  const informer = informers.informerFor<SinkBinding>(SourcesV1, 'SinkBinding');
  const { references, resolver } = trackedDependencies(deps, () => controller);
  const controller: Controller<SinkBinding> = new Controller({
    name: 'sinkbinding',
    client,
    informer,
    reconciler: new SinkBindingReconciler({ client, references, resolver }),
    component: Component,
    logger,
  });

  const onObject = (obj: KubeObject): void => {
    // Subjects are namespaced; cluster-scoped kinds are never bound.
    if (!obj.metadata.namespace) return;
    for (const sb of informer.cache.list(obj.metadata.namespace)) {
      const subject = sb.spec.subject && {
        ...sb.spec.subject,
        namespace: sb.spec.subject.namespace ?? sb.metadata.namespace,
      };
      if (isSubject(subject, obj)) controller.enqueue(sb);
    }
  };
  informers.onInformer((other) => {
    if (other === (informer as unknown)) return;
    other.addEventHandler({ onAdd: onObject, onUpdate: (_old, obj) => onObject(obj) });
  });
  return controller;
}
