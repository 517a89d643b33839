import type { KubeObject } from '@knative-ts/kube';
import { Controller } from '@knative-ts/reconciler';
import { EventingV1beta3, SourcesV1, type ApiServerSource } from '@knative-ts/types';
import { Component, trackedDependencies, type ControllerDeps } from '../deps.js';
import { SourceEventTypes } from '../eventtype/source-event-types.js';
import { AccessReviews, subjectAccessReview } from './access-reviews.js';
import { ApiServerSourceReconciler } from './reconciler.js';

/** RBAC kinds whose changes may grant (or revoke) what a source's ServiceAccount needs. */
const rbacKinds = ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'];
/** RBAC changes come in bursts (a Role and its binding, a chart install): act once per burst. */
const rbacDebounceMs = 1_000;

/**
 * Wires the ApiServerSource reconciler: source changes, sinks through the tracker, the
 * adapter Deployments it owns, namespaces (for namespaceSelector), and RBAC changes, after
 * which denied answers are forgotten and every source lacking permissions is looked at
 * again, so granting a Role makes a source Ready without recreating it.
 */
export function newApiServerSourceController(deps: ControllerDeps): Controller<ApiServerSource> {
  const { client, informers, systemNamespace, logger } = deps;
  const informer = informers.informerFor<ApiServerSource>(SourcesV1, 'ApiServerSource');
  const { references, resolver } = trackedDependencies(deps, () => controller);
  const reviews = new AccessReviews({ review: subjectAccessReview(client) });
  const controller: Controller<ApiServerSource> = new Controller({
    name: 'apiserversource',
    client,
    informer,
    reconciler: new ApiServerSourceReconciler({
      client,
      references,
      resolver,
      reviews,
      adapterImage: deps.apiServerAdapterImage ?? '',
      systemNamespace,
      ceSource: deps.apiServerHost ?? '',
      eventTypes: new SourceEventTypes({ client, references }),
    }),
    component: Component,
    logger,
  });

  // The adapter Deployments and registered EventTypes it owns: changed or deleted by
  // hand, they are put back.
  const onOwned = (o: KubeObject): void => controller.enqueueControllerOf(o);
  for (const [apiVersion, kind] of [
    ['apps/v1', 'Deployment'],
    [EventingV1beta3, 'EventType'],
  ] as const) {
    informers.informerFor(apiVersion, kind).addEventHandler({
      onAdd: onOwned,
      onUpdate: (_old, o) => onOwned(o),
      onDelete: onOwned,
    });
  }

  const onNamespace = (): void => {
    for (const s of informer.cache.list()) if (s.spec.namespaceSelector) controller.enqueue(s);
  };
  informers.informerFor('v1', 'Namespace').addEventHandler({
    onAdd: onNamespace,
    onUpdate: (old, ns) => {
      if (JSON.stringify(old.metadata.labels) !== JSON.stringify(ns.metadata.labels)) onNamespace();
    },
    onDelete: onNamespace,
  });

  let pending: ReturnType<typeof setTimeout> | undefined;
  const onRbac = (): void => {
    pending ??= setTimeout(() => {
      pending = undefined;
      reviews.forgetDenied();
      for (const s of informer.cache.list()) {
        const cond = s.status?.conditions?.find((c) => c.type === 'SufficientPermissions');
        if (cond?.status !== 'True') controller.enqueue(s);
      }
    }, rbacDebounceMs);
    pending.unref?.();
  };
  for (const kind of rbacKinds) {
    const rbac = informers.informerFor('rbac.authorization.k8s.io/v1', kind);
    rbac.addEventHandler({
      // The initial list replays every existing object as an add: not a change.
      onAdd: () => {
        if (rbac.hasSynced()) onRbac();
      },
      onUpdate: (old, obj) => {
        if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) onRbac();
      },
      onDelete: onRbac,
    });
  }
  return controller;
}
