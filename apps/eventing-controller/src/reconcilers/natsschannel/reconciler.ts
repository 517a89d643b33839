import type { KubeClient } from '@knative-ts/kube';
import {
  isControlledBy,
  keyOf,
  normalEvent,
  warningEvent,
  type KindReconciler,
  type ReconcileResult,
} from '@knative-ts/reconciler';
import {
  channelHostName,
  natssStreamName,
  NatssChannelConditions,
  type Addressable,
  type NatssChannel,
} from '@knative-ts/types';
import type { References } from '../../references/references.js';
import type { DestinationResolver } from '../../resolver/destination-resolver.js';
import { clearDeadLetterSink, resolveDeadLetterSink } from '../dead-letter-sink.js';
import { isDerivative } from '../semantic.js';
import { serviceEndpoints } from '../service-endpoints.js';
import type { Service } from '../inmemorychannel/resources/make-channel-service.js';
import { StreamFailure, type StreamStore } from './jetstream-streams.js';
import { DispatcherName, makeChannelService } from './resources/make-channel-service.js';
import { makeStreamConfig } from './resources/make-stream-config.js';

export interface JetStreamChannelReconcilerOptions {
  client: KubeClient;
  references: References;
  resolver: DestinationResolver;
  /** Undefined when NATS is not configured: every channel says so in its status. */
  streams: StreamStore | undefined;
  systemNamespace: string;
  clusterDomain: string;
  now?: () => Date;
}

type Manager = ReturnType<typeof NatssChannelConditions.manage>;

/** Knative's reasons (eventing-natss dispatcher/reconciler.go). */
export const StreamCreatedReason = 'JetstreamStreamCreated';
export const StreamFailedReason = 'JetstreamStreamFailed';

/**
 * Reconciles a NatssChannel or NatsJetStreamChannel: the stream (created, or updated to the
 * channel's `stream.config`; JetStream's refusal becomes StreamReady=False with its words
 * and a Warning Event), the shared dispatcher's Service and endpoints, the channel's
 * ExternalName Service and address, the dead-letter sink. The finalizer deletes the stream.
 * `status.subscribers` belongs to the dispatcher, which creates the consumers.
 */
export class JetStreamChannelReconciler implements KindReconciler<NatssChannel> {
  constructor(private readonly options: JetStreamChannelReconcilerOptions) {}

  async reconcileKind(channel: NatssChannel): Promise<ReconcileResult> {
    channel.spec ??= {};
    channel.status ??= {};
    const m = NatssChannelConditions.manage(channel.status, this.options.now ?? (() => new Date()));
    m.initialize();

    const stream = await this.reconcileStream(channel, m);
    if (stream.failed) return stream.event;

    const dispatcherProblem = await this.checkDispatcher(m);
    if (dispatcherProblem) return dispatcherProblem;

    const serviceProblem = await this.reconcileChannelService(channel, m);
    if (serviceProblem) return serviceProblem;
    m.markTrue('ChannelServiceReady');
    this.setAddress(channel, m);

    const dlsProblem = await this.reconcileDeadLetterSink(channel, m);
    if (dlsProblem) return dlsProblem;
    return stream.event;
  }

  async finalizeKind(channel: NatssChannel): Promise<ReconcileResult> {
    // Without NATS configured nothing can have been created for this channel.
    if (!this.options.streams) return undefined;
    const name = natssStreamName(channel);
    try {
      await this.options.streams.delete(name);
      return undefined;
    } catch (err) {
      return warningEvent(
        StreamFailedReason,
        `Failed to delete JetStream stream ${name}: ${(err as Error).message}`,
      );
    }
  }

  private async reconcileStream(
    channel: NatssChannel,
    m: Manager,
  ): Promise<{ failed: boolean; event?: ReconcileResult }> {
    const { streams } = this.options;
    if (!streams) {
      const message =
        'NATS is not configured: set nats.url (ConfigMap config-nats) for the eventing-controller';
      m.markFalse('StreamReady', 'NatsNotConfigured', message);
      return { failed: true, event: warningEvent(StreamFailedReason, message) };
    }
    const built = makeStreamConfig(channel);
    if (!built.ok) {
      m.markFalse('StreamReady', 'InvalidStreamConfig', built.message);
      return { failed: true, event: warningEvent(StreamFailedReason, built.message) };
    }
    const name = built.stream.name;
    try {
      const result = await streams.ensure(built.stream);
      m.markTrue('StreamReady');
      if (result.action === 'created')
        return {
          failed: false,
          event: normalEvent(StreamCreatedReason, `JetStream stream ${name} created`),
        };
      if (result.action === 'updated') {
        const message = `JetStream stream ${name} updated: ${result.fields.join(', ')}`;
        return { failed: false, event: normalEvent('JetstreamStreamUpdated', message) };
      }
      return { failed: false };
    } catch (err) {
      const unavailable = err instanceof StreamFailure && err.kind === 'unavailable';
      const reason = unavailable ? 'JetStreamUnavailable' : 'DispatcherCreateStreamFailed';
      const message = `Failed to reconcile JetStream stream ${name}: ${(err as Error).message}`;
      if (unavailable) m.markUnknown('StreamReady', reason, message);
      else m.markFalse('StreamReady', reason, message);
      return { failed: true, event: warningEvent(StreamFailedReason, message, err) };
    }
  }

  /** DispatcherReady, ServiceReady and EndpointsReady from the shared dispatcher Service. */
  private async checkDispatcher(m: Manager): Promise<ReconcileResult> {
    const state = await serviceEndpoints(
      this.options.references,
      this.options.systemNamespace,
      DispatcherName,
    );
    if (state === 'no-service') {
      m.markFalse('ServiceReady', 'DispatcherServiceFailed', 'Dispatcher Service does not exist');
      return warningEvent(
        'DispatcherServiceFailed',
        `Reconciling dispatcher Service failed: services "${DispatcherName}" not found`,
      );
    }
    m.markTrue('ServiceReady');
    if (state === 'unavailable') {
      const message = `There are no endpoints ready for Dispatcher service ${DispatcherName}`;
      m.markFalse('EndpointsReady', 'DispatcherEndpointsNotReady', message);
      m.markFalse('DispatcherReady', 'DispatcherNotReady', message);
      return warningEvent('DispatcherEndpointsDoesNotExist', message);
    }
    m.markTrue('EndpointsReady');
    // The dispatcher is shared (no Deployment per channel): ready endpoints are its readiness.
    m.markTrue('DispatcherReady');
    return undefined;
  }

  private async reconcileChannelService(
    channel: NatssChannel,
    m: Manager,
  ): Promise<ReconcileResult> {
    const { client, references, systemNamespace, clusterDomain } = this.options;
    const expected = makeChannelService({
      channel,
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
      return warningEvent('DispatcherServiceFailed', message);
    };
    let svc: Service | undefined;
    try {
      svc = await references.get<Service>({
        apiVersion: 'v1',
        kind: 'Service',
        namespace: channel.metadata.namespace,
        name,
      });
      if (!svc) {
        await client.create(expected);
        return undefined;
      }
    } catch (err) {
      return fail((err as Error).message);
    }
    if (!isControlledBy(svc, channel)) {
      return fail(`${channel.kind}: ${keyOf(channel)} does not own Service: "${name}"`);
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

  private setAddress(channel: NatssChannel, m: Manager): void {
    const { name = '', namespace = '' } = channel.metadata;
    const address: Addressable = {
      name: 'http',
      url: `http://${channelHostName(name, namespace, this.options.clusterDomain)}`,
    };
    Object.assign(channel.status ?? {}, { address, addresses: [address] });
    m.markTrue('Addressable');
  }

  private async reconcileDeadLetterSink(
    channel: NatssChannel,
    m: Manager,
  ): Promise<ReconcileResult> {
    const status = channel.status ?? {};
    clearDeadLetterSink(status);
    const dls = channel.spec?.delivery?.deadLetterSink;
    if (!dls) {
      m.markTrueWithReason(
        'DeadLetterSinkResolved',
        'DeadLetterSinkNotConfigured',
        'No dead letter sink is configured.',
      );
      return undefined;
    }
    const failure = await resolveDeadLetterSink(this.options.resolver, dls, channel, status);
    if (failure === undefined) {
      m.markTrue('DeadLetterSinkResolved');
      return undefined;
    }
    m.markFalse('DeadLetterSinkResolved', "Unable to get the DeadLetterSink's URI", failure);
    return warningEvent('InternalError', `Failed to resolve Dead Letter Sink URI: ${failure}`);
  }
}
