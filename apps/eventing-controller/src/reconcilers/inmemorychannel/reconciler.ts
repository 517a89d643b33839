import type { KubeClient, KubeObject } from '@knative-ts/kube';
import {
  isControlledBy,
  keyOf,
  warningEvent,
  type KindReconciler,
  type ReconcileResult,
} from '@knative-ts/reconciler';
import {
  channelHostName,
  defaultInMemoryChannel,
  InMemoryChannelConditions,
  markDeadLetterSinkNotConfigured,
  markEventPoliciesOidcDisabled,
  validateInMemoryChannel,
  type Addressable,
  type InMemoryChannel,
} from '@knative-ts/types';
import type { References } from '../../references/references.js';
import { ControllerValidationFeatures, rejectInvalidSpec } from '../invalid-spec.js';
import type { DestinationResolver } from '../../resolver/destination-resolver.js';
import { isDerivative } from '../semantic.js';
import {
  DispatcherName,
  makeChannelService,
  type Service,
} from './resources/make-channel-service.js';
import { clearDeadLetterSink, resolveDeadLetterSink } from '../dead-letter-sink.js';

export interface InMemoryChannelReconcilerOptions {
  client: KubeClient;
  references: References;
  resolver: DestinationResolver;
  systemNamespace: string;
  clusterDomain: string;
  now?: () => Date;
}

type Manager = ReturnType<typeof InMemoryChannelConditions.manage>;

/** An EndpointSlice (discovery.k8s.io/v1), reduced to what readiness needs. */
interface EndpointSlice extends KubeObject {
  endpoints?: Array<{ conditions?: { ready?: boolean | null } }>;
}

/** Label the EndpointSlice controller (or the local sandbox) puts on a Service's slices. */
const ServiceNameLabel = 'kubernetes.io/service-name';

/**
 * Reconciles an InMemoryChannel as Knative's imc-controller does: checks the shared
 * dispatcher Service and its endpoints, keeps the channel's ExternalName Service, sets the
 * address, resolves the dead-letter sink. `status.subscribers` belongs to the dispatcher
 * and is left as found.
 */
export class InMemoryChannelReconciler implements KindReconciler<InMemoryChannel> {
  constructor(private readonly options: InMemoryChannelReconcilerOptions) {}

  async reconcileKind(imc: InMemoryChannel): Promise<ReconcileResult> {
    // The API server keeps no spec for YAML that has none (Knative's docs example does that).
    imc.spec ??= {};
    imc.status ??= {};
    const m = InMemoryChannelConditions.manage(imc.status, this.options.now ?? (() => new Date()));
    m.initialize();
    // What Knative's webhook rejects, on the object as its defaulting webhook would leave it.
    const invalid = rejectInvalidSpec(
      validateInMemoryChannel(defaultInMemoryChannel(imc), ControllerValidationFeatures),
      m,
    );
    if (invalid) return invalid;

    const dispatcherProblem = await this.checkDispatcher(m);
    if (dispatcherProblem) return dispatcherProblem;

    const serviceProblem = await this.reconcileChannelService(imc, m);
    if (serviceProblem) return serviceProblem;
    m.markTrue('ChannelServiceReady');
    this.setAddress(imc, m);

    const dlsProblem = await this.reconcileDeadLetterSink(imc, m);
    if (dlsProblem) return dlsProblem;
    markEventPoliciesOidcDisabled(m);
    return undefined;
  }

  /** ServiceReady and EndpointsReady from the dispatcher Service and its EndpointSlices. */
  private async checkDispatcher(m: Manager): Promise<ReconcileResult> {
    const { references, systemNamespace: namespace } = this.options;
    const svc = await references.get({
      apiVersion: 'v1',
      kind: 'Service',
      namespace,
      name: DispatcherName,
    });
    if (!svc) {
      m.markFalse(
        'ServiceReady',
        'DispatcherServiceDoesNotExist',
        'Dispatcher Service does not exist',
      );
      return warningEvent(
        'DispatcherServiceFailed',
        `Reconciling dispatcher Service failed: services "${DispatcherName}" not found`,
      );
    }
    m.markTrue('ServiceReady');

    const slices = await references.list<EndpointSlice>(
      { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', namespace },
      `${ServiceNameLabel}=${DispatcherName}`,
    );
    if (slices.length === 0) {
      m.markFalse(
        'EndpointsReady',
        'DispatcherEndpointsDoesNotExist',
        'Dispatcher Endpoints does not exist',
      );
      return warningEvent('InternalError', `endpoints "${DispatcherName}" not found`);
    }
    // Kubernetes: a nil `ready` means ready; only an explicit false means not.
    const ready = slices.some((s) =>
      (s.endpoints ?? []).some((e) => e.conditions?.ready !== false),
    );
    if (!ready) {
      m.markFalse(
        'EndpointsReady',
        'DispatcherEndpointsNotReady',
        'There are no endpoints ready for Dispatcher service',
      );
      return warningEvent('InternalError', 'there are no endpoints ready for Dispatcher service');
    }
    m.markTrue('EndpointsReady');
    return undefined;
  }

  /** Creates or repairs `<name>-kn-channel`, refusing to take over a Service it does not own. */
  private async reconcileChannelService(
    imc: InMemoryChannel,
    m: Manager,
  ): Promise<ReconcileResult> {
    const { client, references, systemNamespace, clusterDomain } = this.options;
    const expected = makeChannelService({
      imc,
      dispatcherNamespace: systemNamespace,
      clusterDomain,
    });
    const name = expected.metadata.name ?? '';
    const fail = (message: string): ReconcileResult => {
      m.markFalse(
        'ChannelServiceReady',
        'ChannelServiceFailed',
        `Channel Service failed: ${message}`,
      );
      return warningEvent('InternalError', message);
    };
    let svc: Service | undefined;
    try {
      svc = await references.get<Service>({
        apiVersion: 'v1',
        kind: 'Service',
        namespace: imc.metadata.namespace,
        name,
      });
      if (!svc) {
        await client.create(expected);
        return undefined;
      }
    } catch (err) {
      return fail((err as Error).message);
    }
    if (!isControlledBy(svc, imc)) {
      return fail(`inmemorychannel: ${keyOf(imc)} does not own Service: "${name}"`);
    }
    if (!isDerivative(expected.spec, svc.spec)) {
      try {
        await client.update({ ...svc, spec: { ...svc.spec, ...expected.spec } });
      } catch (err) {
        return fail((err as Error).message);
      }
    }
    return undefined;
  }

  private setAddress(imc: InMemoryChannel, m: Manager): void {
    const { name = '', namespace = '' } = imc.metadata;
    const address: Addressable = {
      name: 'http',
      url: `http://${channelHostName(name, namespace, this.options.clusterDomain)}`,
    };
    // In place: the condition manager holds this status object.
    Object.assign(imc.status ?? {}, { address, addresses: [address] });
    m.markTrue('Addressable');
  }

  private async reconcileDeadLetterSink(
    imc: InMemoryChannel,
    m: Manager,
  ): Promise<ReconcileResult> {
    const status = imc.status ?? {};
    clearDeadLetterSink(status);
    const dls = imc.spec.delivery?.deadLetterSink;
    if (!dls) {
      markDeadLetterSinkNotConfigured(m);
      return undefined;
    }
    const failure = await resolveDeadLetterSink(this.options.resolver, dls, imc, status);
    if (failure === undefined) {
      m.markTrue('DeadLetterSinkResolved');
      return undefined;
    }
    m.markFalse('DeadLetterSinkResolved', "Unable to get the DeadLetterSink's URI", failure);
    return warningEvent('InternalError', `Failed to resolve Dead Letter Sink URI: ${failure}`);
  }
}
