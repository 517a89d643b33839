import {
  isInvalid,
  isNotFound,
  jsonEqual,
  type KubeClient,
  type KubeObject,
} from '@knative-ts/kube';
import {
  keyOf,
  warningEvent,
  type KindReconciler,
  type ReconcileResult,
} from '@knative-ts/reconciler';
import {
  defaultSinkBinding,
  markOidcIdentityDisabled,
  markOidcTokenSecretDisabled,
  SinkBindingConditions,
  validateSinkBinding,
  type SinkBinding,
} from '@knative-ts/types';
import type { References } from '../../references/references.js';
import type { DestinationResolver } from '../../resolver/destination-resolver.js';
import { hasPodTemplate, withoutSinkEnv, withSinkEnv, type SinkEnv } from './resources/sink-env.js';
import { findSubjects } from './subjects.js';
import { InvalidSpecReason, rejectInvalidSpec } from '../invalid-spec.js';

export interface SinkBindingReconcilerOptions {
  client: KubeClient;
  references: References;
  resolver: DestinationResolver;
  now?: () => Date;
}

/** Reasons: Knative's psbinding (SubjectMissing, BindingFailed), sources' SinkNotFound, ours. */
export const SinkBindingReasons = {
  SinkNotFound: 'SinkNotFound',
  NotFound: 'NotFound',
  SubjectMissing: 'SubjectMissing',
  BindingFailed: 'BindingFailed',
  InvalidSpec: InvalidSpecReason,
} as const;

/**
 * Reconciles a SinkBinding without an admission webhook: resolves the sink and writes
 * K_SINK / K_CE_OVERRIDES (K_CA_CERTS) into every container of every subject, now and
 * whenever a subject appears or changes (the controller re-queues bindings on subject
 * events). The finalizer takes the variables out again when the binding is deleted.
 */
export class SinkBindingReconciler implements KindReconciler<SinkBinding> {
  constructor(private readonly options: SinkBindingReconcilerOptions) {}

  async reconcileKind(original: SinkBinding): Promise<ReconcileResult> {
    original.status ??= {};
    const status = original.status;
    const m = SinkBindingConditions.manage(status, this.options.now ?? (() => new Date()));
    m.initialize();
    const sb = defaultSinkBinding(original);
    const invalid = rejectInvalidSpec(validateSinkBinding(sb), m);
    if (invalid) return invalid;
    markOidcIdentityDisabled(m);
    markOidcTokenSecretDisabled(m);

    let address;
    try {
      address = await this.options.resolver.address(
        sb.spec.sink,
        sb.metadata.namespace ?? '',
        keyOf(sb),
      );
    } catch (err) {
      delete status.sinkUri;
      m.markFalse('SinkProvided', SinkBindingReasons.NotFound, (err as Error).message);
      return warningEvent(
        SinkBindingReasons.SinkNotFound,
        `Sink not found: ${JSON.stringify(sb.spec.sink)}`,
        err,
      );
    }
    status.sinkUri = address.url;
    if (address.CACerts) status.sinkCACerts = address.CACerts;
    else delete status.sinkCACerts;
    if (address.audience) status.sinkAudience = address.audience;
    else delete status.sinkAudience;
    m.markTrue('SinkProvided');

    const env: SinkEnv = {
      sinkUri: address.url,
      ceOverrides: sb.spec.ceOverrides ? JSON.stringify(sb.spec.ceOverrides) : '',
      ...(address.CACerts && { caCerts: address.CACerts }),
    };
    const { objects, missing } = await findSubjects(
      this.options.references,
      sb.spec.subject,
      keyOf(sb),
    );
    if (missing) {
      // Not a failure to retry: the tracker re-queues the binding when the subject appears.
      m.markFalse('SinkBindingAvailable', SinkBindingReasons.SubjectMissing, missing);
      return undefined;
    }
    const failed = await this.rewrite(objects, (o) => withSinkEnv(o, env));
    if (failed) {
      m.markFalse('SinkBindingAvailable', SinkBindingReasons.BindingFailed, failed);
      return warningEvent(SinkBindingReasons.BindingFailed, failed);
    }
    m.markTrue('SinkBindingAvailable');
    return undefined;
  }

  /** Takes the binding's variables out of its subjects before the binding goes. */
  async finalizeKind(original: SinkBinding): Promise<ReconcileResult> {
    const sb = defaultSinkBinding(original);
    if (!sb.spec.subject?.apiVersion || !sb.spec.subject.kind) return undefined;
    const { objects } = await findSubjects(this.options.references, sb.spec.subject, keyOf(sb));
    // A subject that can no longer be changed (a Job's immutable template) or is gone must
    // not keep the binding from being deleted; anything else is retried.
    const failed = await this.rewrite(
      objects.filter(hasPodTemplate),
      withoutSinkEnv,
      (err) => isInvalid(err) || isNotFound(err),
    );
    return failed ? warningEvent(SinkBindingReasons.BindingFailed, failed) : undefined;
  }

  /** Updates every subject whose spec `change` alters; the first failure, as a message. */
  private async rewrite(
    objects: KubeObject[],
    change: (o: KubeObject) => KubeObject,
    tolerate: (err: unknown) => boolean = () => false,
  ): Promise<string | undefined> {
    for (const obj of objects) {
      const what = `${obj.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
      if (!hasPodTemplate(obj)) return `${what} has no pod template to bind`;
      const next = change(obj);
      if (jsonEqual(next.spec, obj.spec)) continue;
      try {
        await this.options.client.update(next);
      } catch (err) {
        if (tolerate(err)) continue;
        // A Job's pod template is immutable: without admission it can only be bound at creation.
        return `updating ${what} failed: ${(err as Error).message}`;
      }
    }
    return undefined;
  }
}
