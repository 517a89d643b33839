import {
  keyOf,
  warningEvent,
  type KindReconciler,
  type ReconcileResult,
} from '@knative-ts/reconciler';
import {
  defaultPingSource,
  markOidcIdentityDisabled,
  PingSourceConditions,
  PingSourceEventType,
  pingSourceEventSource,
  validatePingSource,
  type PingSource,
} from '@knative-ts/types';
import type { References } from '../../references/references.js';
import type { DestinationResolver } from '../../resolver/destination-resolver.js';
import type { SourceEventTypes } from '../eventtype/source-event-types.js';
import { serviceEndpoints } from '../service-endpoints.js';
import { InvalidSpecReason, rejectInvalidSpec } from '../invalid-spec.js';

export interface PingSourceReconcilerOptions {
  references: References;
  resolver: DestinationResolver;
  systemNamespace: string;
  /** Registers the type it emits as an EventType when the sink is a Broker or Channel. */
  eventTypes: SourceEventTypes;
  now?: () => Date;
}

/** The CRD whose `registry.knative.dev/eventTypes` annotation describes what PingSources emit. */
export const PingSourceCrdName = 'pingsources.sources.knative.dev';

type Manager = ReturnType<typeof PingSourceConditions.manage>;

/** The shared adapter that fires every PingSource (Knative's Deployment and our Service name). */
export const PingAdapterName = 'pingsource-mt-adapter';

/** Reasons: Knative's (pkg/reconciler/pingsource/pingsource.go, ping_lifecycle.go) plus ours. */
export const PingSourceReasons = {
  /** Event reason when the sink cannot be resolved. */
  SinkNotFound: 'SinkNotFound',
  /** SinkProvided=False reason Knative uses for the same. */
  NotFound: 'NotFound',
  DeploymentUnavailable: 'DeploymentUnavailable',
  /** Ours: what admission would reject in Knative (no webhook here catches it). */
  InvalidSpec: InvalidSpecReason,
} as const;

/**
 * Reconciles a PingSource as Knative's (multi-tenant) PingSource reconciler does: resolves
 * the sink into `status.sinkUri`, reports whether the shared adapter runs, and advertises
 * the one event type/source it emits. Firing the schedule is the ping-adapter's job.
 */
export class PingSourceReconciler implements KindReconciler<PingSource> {
  constructor(private readonly options: PingSourceReconcilerOptions) {}

  async reconcileKind(source: PingSource): Promise<ReconcileResult> {
    source.status ??= {};
    const m = PingSourceConditions.manage(source.status, this.options.now ?? (() => new Date()));
    m.initialize();
    // What Knative's webhook rejects (the CRD's CEL rules catch only part of it).
    const invalid = rejectInvalidSpec(validatePingSource(defaultPingSource(source)), m);
    if (invalid) return invalid;

    const sinkProblem = await this.resolveSink(source, m);
    if (sinkProblem) return sinkProblem;
    delete source.status.auth;
    markOidcIdentityDisabled(m);
    await this.checkAdapter(m);
    const { namespace = '', name = '' } = source.metadata;
    source.status.ceAttributes = [
      { type: PingSourceEventType, source: pingSourceEventSource(namespace, name) },
    ];
    return this.options.eventTypes.reconcile(source, source.status.ceAttributes, PingSourceCrdName);
  }

  /** SinkProvided and status.sinkUri (with CA certs and audience) from spec.sink. */
  private async resolveSink(source: PingSource, m: Manager): Promise<ReconcileResult> {
    const status = source.status ?? {};
    const sink = source.spec.sink;
    try {
      const address = await this.options.resolver.address(
        sink,
        source.metadata.namespace ?? '',
        keyOf(source),
      );
      status.sinkUri = address.url;
      if (address.CACerts) status.sinkCACerts = address.CACerts;
      else delete status.sinkCACerts;
      if (address.audience) status.sinkAudience = address.audience;
      else delete status.sinkAudience;
      m.markTrue('SinkProvided');
      return undefined;
    } catch (err) {
      // Unlike Knative we drop a stale URI, so the adapter stops sending to an old sink.
      delete status.sinkUri;
      delete status.sinkCACerts;
      delete status.sinkAudience;
      m.markFalse('SinkProvided', PingSourceReasons.NotFound, (err as Error).message);
      return warningEvent(
        PingSourceReasons.SinkNotFound,
        `Sink not found: ${JSON.stringify(sink)}`,
        err,
      );
    }
  }

  /**
   * Deployed from the adapter's Service and its EndpointSlices, as the IMC reconciler judges
   * its dispatcher. Knative reads the `pingsource-mt-adapter` Deployment's Available
   * condition instead; in local mode there is no Deployment, only a registered endpoint, and
   * in a cluster ready endpoints mean the same as an available Deployment.
   */
  private async checkAdapter(m: Manager): Promise<void> {
    const { references, systemNamespace } = this.options;
    const state = await serviceEndpoints(references, systemNamespace, PingAdapterName);
    if (state === 'ready') {
      m.markTrue('Deployed');
      return;
    }
    const why =
      state === 'no-service'
        ? `Service ${systemNamespace}/${PingAdapterName} does not exist`
        : `Service ${systemNamespace}/${PingAdapterName} has no ready endpoints`;
    m.markUnknown(
      'Deployed',
      PingSourceReasons.DeploymentUnavailable,
      `The Deployment '${PingAdapterName}' is unavailable: ${why}.`,
    );
  }
}
