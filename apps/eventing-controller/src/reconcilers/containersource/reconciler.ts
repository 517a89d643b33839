import { isNotFound, type KubeClient, type KubeObject } from '@knative-ts/kube';
import {
  isControlledBy,
  normalEvent,
  silentLogger,
  type Logger,
  type KindReconciler,
  type ReconcileResult,
} from '@knative-ts/reconciler';
import {
  ContainerSourceConditions,
  defaultContainerSource,
  validateContainerSource,
  type ContainerSource,
  type SinkBinding,
} from '@knative-ts/types';
import { propagateAvailability, type Deployment } from '../deployment-availability.js';
import { isDerivative } from '../semantic.js';
import { withoutSinkEnv } from '../sinkbinding/resources/sink-env.js';
import { makeDeployment, makeSinkBinding } from './resources/make-children.js';
import { Component } from '../deps.js';
import { InvalidSpecReason, rejectInvalidSpec } from '../invalid-spec.js';

export interface ContainerSourceReconcilerOptions {
  client: KubeClient;
  logger?: Logger;
  now?: () => Date;
}

type Manager = ReturnType<typeof ContainerSourceConditions.manage>;

/** Event reasons of Knative's containersource.go, plus ours. */
export const ContainerSourceReasons = {
  DeploymentCreated: 'ContainerSourceDeploymentCreated',
  DeploymentUpdated: 'ContainerSourceDeploymentUpdated',
  SinkBindingCreated: 'ContainerSourceSinkBindingCreated',
  SinkBindingUpdated: 'ContainerSourceSinkBindingUpdated',
  InvalidSpec: InvalidSpecReason,
} as const;

/**
 * Reconciles a ContainerSource as Knative does: a SinkBinding `<name>-sinkbinding` that
 * points the Deployment `<name>-deployment` (running `spec.template`) at the sink. Ready
 * follows the binding's Ready and the Deployment's availability; both children are owned,
 * so deleting the source deletes them (garbage collection).
 */
export class ContainerSourceReconciler implements KindReconciler<ContainerSource> {
  constructor(private readonly options: ContainerSourceReconcilerOptions) {}

  async reconcileKind(original: ContainerSource): Promise<ReconcileResult> {
    original.status ??= {};
    const m = ContainerSourceConditions.manage(
      original.status,
      this.options.now ?? (() => new Date()),
    );
    m.initialize();
    const source = defaultContainerSource(original);
    const invalid = rejectInvalidSpec(validateContainerSource(source), m);
    if (invalid) return invalid;
    const events: Array<[string, string]> = [];
    const sb = await this.reconcileChild(
      source,
      makeSinkBinding(source),
      'SinkBinding',
      events,
      (want, have) => isDerivative(want.spec, have.spec),
    );
    propagateSinkBinding(original, sb as SinkBinding, m);
    const deployment = await this.reconcileChild(
      source,
      makeDeployment(source),
      'Deployment',
      events,
      (want, have) =>
        // The binding's variables are not drift: they are how the sink reaches the pods.
        isDerivative(
          (want as Deployment).spec?.template?.spec,
          (withoutSinkEnv(have) as Deployment).spec?.template?.spec,
        ),
    );
    propagateAvailability(m, 'ReceiveAdapterReady', deployment as Deployment);
    // The controller records one returned event; earlier ones are recorded here.
    const last = events.pop();
    for (const [reason, message] of events) {
      await this.options.client
        .createEvent({
          involvedObject: original,
          type: 'Normal',
          reason,
          message,
          component: Component,
        })
        .catch((err: unknown) =>
          (this.options.logger ?? silentLogger).warn({ err, reason }, 'event recording failed'),
        );
    }
    return last ? normalEvent(last[0], last[1]) : undefined;
  }

  /** Creates, keeps or repairs one owned child; pushes Knative's Normal event when it writes. */
  private async reconcileChild(
    source: ContainerSource,
    expected: KubeObject,
    kind: 'SinkBinding' | 'Deployment',
    events: Array<[string, string]>,
    same: (want: KubeObject, have: KubeObject) => boolean,
  ): Promise<KubeObject> {
    const { client } = this.options;
    const name = expected.metadata.name ?? '';
    let existing: KubeObject | undefined;
    try {
      existing = await client.get({
        apiVersion: expected.apiVersion,
        kind,
        namespace: expected.metadata.namespace ?? '',
        name,
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (!existing) {
      const created = await client.create(expected);
      events.push([ContainerSourceReasons[`${kind}Created`], `${kind} created "${name}"`]);
      return created;
    }
    if (!isControlledBy(existing, source)) {
      throw new Error(
        `${kind} "${name}" is not owned by ContainerSource "${source.metadata.name ?? ''}"`,
      );
    }
    if (same(expected, existing)) return existing;
    const next = structuredClone(existing);
    if (kind === 'Deployment') {
      const spec = (next as Deployment).spec ?? {};
      spec.template = (expected as Deployment).spec?.template;
      (next as Deployment).spec = spec;
    } else {
      next.spec = expected.spec;
    }
    const updated = await client.update(next);
    events.push([ContainerSourceReasons[`${kind}Updated`], `${kind} updated "${name}"`]);
    return updated;
  }
}

/** Knative's PropagateSinkBindingStatus: the binding's sink fields, and its Ready. */
function propagateSinkBinding(source: ContainerSource, sb: SinkBinding, m: Manager): void {
  const status = source.status ?? {};
  for (const field of ['sinkUri', 'sinkCACerts', 'sinkAudience'] as const) {
    const value = sb.status?.[field];
    if (value) status[field] = value;
    else delete status[field];
  }
  const ready = sb.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status === 'True') m.markTrue('SinkBindingReady');
  else if (ready?.status === 'False')
    m.markFalse('SinkBindingReady', ready.reason ?? '', ready.message ?? '');
  else m.markUnknown('SinkBindingReady', ready?.reason ?? '', ready?.message ?? '');
}
