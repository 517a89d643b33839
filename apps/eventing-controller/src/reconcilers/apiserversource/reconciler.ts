import { isNotFound, type KubeClient } from '@knative-ts/kube';
import {
  isControlledBy,
  keyOf,
  normalEvent,
  requeueAfter,
  warningEvent,
  type KindReconciler,
  type ReconcileResult,
} from '@knative-ts/reconciler';
import {
  ApiServerSourceConditions,
  apiServerSourceEventTypes,
  defaultApiServerSource,
  isEmptyLabelSelector,
  markOidcIdentityDisabled,
  matchesLabelSelector,
  validateApiServerSource,
  type ApiServerSource,
} from '@knative-ts/types';
import type { References } from '../../references/references.js';
import type { DestinationResolver } from '../../resolver/destination-resolver.js';
import { propagateAvailability, type Deployment } from '../deployment-availability.js';
import type { SourceEventTypes } from '../eventtype/source-event-types.js';
import { isDerivative } from '../semantic.js';
import type { AccessReviews } from './access-reviews.js';
import { missingPermissions, serviceAccountUser } from './permissions.js';
import { makeReceiveAdapter } from './resources/make-receive-adapter.js';
import { InvalidSpecReason, rejectInvalidSpec } from '../invalid-spec.js';

export interface ApiServerSourceReconcilerOptions {
  client: KubeClient;
  references: References;
  resolver: DestinationResolver;
  reviews: AccessReviews;
  /** The adapter image (env APISERVER_RA_IMAGE of the controller, as in Knative). */
  adapterImage: string;
  systemNamespace: string;
  /** The API server URL: the `source` of every event (Knative's rest.Config.Host). */
  ceSource: string;
  /** Registers the types it emits as EventTypes when the sink is a Broker or Channel. */
  eventTypes: SourceEventTypes;
  /** Re-check permissions this often while Ready (default 10 min). */
  recheckMs?: number;
  /** Re-check this often while permissions are missing (default 30 s; RBAC changes sooner). */
  deniedRecheckMs?: number;
  now?: () => Date;
}

type Manager = ReturnType<typeof ApiServerSourceConditions.manage>;

/** The CRD whose `registry.knative.dev/eventTypes` annotation describes what sources emit. */
export const ApiServerSourceCrdName = 'apiserversources.sources.knative.dev';

/** Reasons: Knative's (apiserversource.go, apiserver_lifecycle.go) plus ours. */
export const ApiServerSourceReasons = {
  SinkNotFound: 'SinkNotFound',
  NotFound: 'NotFound',
  DeploymentCreated: 'ApiServerSourceDeploymentCreated',
  DeploymentUpdated: 'ApiServerSourceDeploymentUpdated',
  /** Ours: Knative leaves the reason empty and reports an InternalError event. */
  InsufficientPermissions: 'InsufficientPermissions',
  InvalidSpec: InvalidSpecReason,
} as const;

/**
 * Reconciles an ApiServerSource as Knative does: resolves the sink, resolves the
 * namespaces to watch, checks that the source's ServiceAccount may get, list and watch
 * every resource there (SubjectAccessReviews, cached), keeps one adapter Deployment
 * running as that ServiceAccount, and reports Deployed from its availability.
 */
export class ApiServerSourceReconciler implements KindReconciler<ApiServerSource> {
  constructor(private readonly options: ApiServerSourceReconcilerOptions) {}

  async reconcileKind(original: ApiServerSource): Promise<ReconcileResult> {
    original.status ??= {};
    const status = original.status;
    const m = ApiServerSourceConditions.manage(status, this.options.now ?? (() => new Date()));
    m.initialize();
    const source = defaultApiServerSource(original);
    const invalid = rejectInvalidSpec(validateApiServerSource(source), m);
    if (invalid) return invalid;
    markOidcIdentityDisabled(m);
    delete status.auth;

    let address;
    try {
      address = await this.options.resolver.address(
        source.spec.sink,
        source.metadata.namespace ?? '',
        keyOf(source),
      );
    } catch (err) {
      delete status.sinkUri;
      m.markFalse('SinkProvided', ApiServerSourceReasons.NotFound, (err as Error).message);
      return warningEvent(
        ApiServerSourceReasons.SinkNotFound,
        `Sink not found: ${JSON.stringify(source.spec.sink)}`,
        err,
      );
    }
    status.sinkUri = address.url;
    if (address.CACerts) status.sinkCACerts = address.CACerts;
    else delete status.sinkCACerts;
    if (address.audience) status.sinkAudience = address.audience;
    else delete status.sinkAudience;
    m.markTrue('SinkProvided');

    const namespaces = await this.namespaces(source);
    status.namespaces = namespaces;
    // An empty selector means one cluster-wide watch: ask for cluster-wide access (Knative
    // asks per namespace, which a namespaced Role can satisfy while the watch is refused).
    const allNamespaces = isEmptyLabelSelector(source.spec.namespaceSelector);
    const denied = await this.checkAccess(source, allNamespaces ? [''] : namespaces, m);
    if (denied) return denied;

    const { result, deployment } = await this.reconcileAdapter(
      source,
      namespaces,
      allNamespaces,
      address,
    );
    propagateAvailability(m, 'Deployed', deployment);
    status.ceAttributes = apiServerSourceEventTypes(source.spec.mode ?? 'Reference').map(
      (type) => ({ type, source: this.options.ceSource }),
    );
    const registered = await this.options.eventTypes.reconcile(
      source,
      status.ceAttributes,
      ApiServerSourceCrdName,
    );
    return result ?? registered ?? requeueAfter(this.options.recheckMs ?? 10 * 60_000);
  }

  /** The source's namespace, or every namespace its selector matches (sorted). */
  private async namespaces(source: ApiServerSource): Promise<string[]> {
    const selector = source.spec.namespaceSelector;
    if (!selector) return [source.metadata.namespace ?? ''];
    const all = await this.options.references.list({ apiVersion: 'v1', kind: 'Namespace' });
    return all
      .filter((ns) => matchesLabelSelector(selector, ns.metadata.labels))
      .map((ns) => ns.metadata.name ?? '')
      .sort();
  }

  /** SufficientPermissions; a result when access is missing (the adapter is not run). */
  private async checkAccess(
    source: ApiServerSource,
    namespaces: string[],
    m: Manager,
  ): Promise<ReconcileResult | undefined> {
    const ns = source.metadata.namespace ?? '';
    const user = serviceAccountUser(ns, source.spec.serviceAccountName ?? 'default');
    const missing = await missingPermissions(
      this.options.reviews,
      user,
      source.spec.resources,
      namespaces,
    );
    if (missing === '') {
      m.markTrue('SufficientPermissions');
      return undefined;
    }
    const message = `User ${user} cannot ${missing}`;
    const before = m.getCondition('SufficientPermissions');
    const known = before?.status === 'False' && before.message === message;
    m.markFalse('SufficientPermissions', ApiServerSourceReasons.InsufficientPermissions, message);
    // Report once per distinct gap; then look again on a timer (and on any RBAC change).
    if (known) return requeueAfter(this.options.deniedRecheckMs ?? 30_000);
    return warningEvent(
      ApiServerSourceReasons.InsufficientPermissions,
      `insufficient permissions: ${message}`,
    );
  }

  /** Creates or repairs the adapter Deployment; the result carries Knative's Normal events. */
  private async reconcileAdapter(
    source: ApiServerSource,
    namespaces: string[],
    allNamespaces: boolean,
    address: { url: string; CACerts?: string; audience?: string },
  ): Promise<{ result?: ReconcileResult; deployment: Deployment }> {
    const { client } = this.options;
    const expected = makeReceiveAdapter({
      image: this.options.adapterImage,
      source,
      sinkUri: address.url,
      ...(address.CACerts && { caCerts: address.CACerts }),
      ...(address.audience && { audience: address.audience }),
      namespaces,
      allNamespaces,
      systemNamespace: this.options.systemNamespace,
    });
    const ref = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: expected.metadata.namespace ?? '',
      name: expected.metadata.name ?? '',
    };
    let existing: Deployment | undefined;
    try {
      existing = await client.get<Deployment>(ref);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (!existing) {
      const created = await client.create(expected);
      return {
        result: normalEvent(ApiServerSourceReasons.DeploymentCreated, 'Deployment created'),
        deployment: created,
      };
    }
    if (!isControlledBy(existing, source)) {
      throw new Error(
        `deployment "${ref.name}" is not owned by ApiServerSource "${source.metadata.name ?? ''}"`,
      );
    }
    if (!podSpecChanged(expected, existing)) return { deployment: existing };
    const next = structuredClone(existing);
    next.spec = { ...next.spec, template: expected.spec?.template };
    const updated = await client.update(next);
    return {
      result: normalEvent(
        ApiServerSourceReasons.DeploymentUpdated,
        `Deployment "${ref.name}" updated`,
      ),
      deployment: updated,
    };
  }
}

/**
 * Knative's podSpecChanged: the expected pod spec is not contained in the actual one.
 * Arrays (containers, env) must match in length, so a removed variable counts; fields the
 * API server defaults (a fieldRef's apiVersion, probe timings) do not.
 */
export function podSpecChanged(expected: Deployment, actual: Deployment): boolean {
  return !isDerivative(expected.spec?.template?.spec ?? {}, actual.spec?.template?.spec ?? {});
}
