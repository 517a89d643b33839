import type { KubeClient } from '@knative-ts/kube';
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
  channelHostName,
  defaultKafkaChannel,
  KafkaChannelConditions,
  validateKafkaChannel,
  type Addressable,
  type KafkaChannel,
  type KafkaConnection,
  type SubscriberStatus,
} from '@knative-ts/types';
import type { References } from '../../references/references.js';
import { ControllerValidationFeatures, rejectInvalidSpec } from '../invalid-spec.js';
import type { DestinationResolver } from '../../resolver/destination-resolver.js';
import { type Service } from '../inmemorychannel/resources/make-channel-service.js';
import { clearDeadLetterSink, resolveDeadLetterSink } from '../dead-letter-sink.js';
import { isDerivative } from '../semantic.js';
import { serviceEndpoints } from '../service-endpoints.js';
import { KafkaAdminError, type KafkaAdmin } from './kafka-admin.js';
import { readKafkaConfig } from './kafka-config.js';
import { DispatcherName, makeChannelService } from './resources/make-channel-service.js';
import { makeTopic } from './resources/make-topic.js';
import { kafkaChannelConsumerGroup } from '@knative-ts/types';

export interface KafkaChannelReconcilerOptions {
  client: KubeClient;
  references: References;
  resolver: DestinationResolver;
  kafka: KafkaAdmin;
  systemNamespace: string;
  clusterDomain: string;
  /** How soon to look again while a subscriber's consumer group is not consuming yet. */
  subscriberPollMs?: number;
  now?: () => Date;
}

type Manager = ReturnType<typeof KafkaChannelConditions.manage>;

/**
 * Reconciles a KafkaChannel as eventing-kafka-broker's channel reconciler does: Kafka
 * settings from `kafka-channel-config` (ConfigParsed), the topic
 * `knative-messaging-kafka.<ns>.<name>` with the spec's partitions, replication and
 * retention (TopicReady), the ExternalName Service `<name>-kn-channel` to the dispatcher
 * (ConfigMapUpdated: the data plane's view of the channel is in place), the address, the
 * dead-letter sink, the dispatcher's endpoints (ProbeSucceeded), and `status.subscribers`,
 * each ready only once its consumer group is consuming (Subscribers). The finalizer
 * deletes the topic.
 */
export class KafkaChannelReconciler implements KindReconciler<KafkaChannel> {
  constructor(private readonly options: KafkaChannelReconcilerOptions) {}

  async reconcileKind(kc: KafkaChannel): Promise<ReconcileResult> {
    kc.spec ??= {};
    kc.status ??= {};
    const m = KafkaChannelConditions.manage(kc.status, this.options.now ?? (() => new Date()));
    m.initialize();
    // What Knative's webhook rejects, on the object as its defaulting webhook would leave it.
    const invalid = rejectInvalidSpec(
      validateKafkaChannel(defaultKafkaChannel(kc), ControllerValidationFeatures),
      m,
    );
    if (invalid) return invalid;

    const config = await readKafkaConfig(this.options);
    if (!config.ok) {
      m.markFalse('ConfigParsed', config.reason, config.message);
      return warningEvent(config.reason, config.message);
    }
    m.markTrue('ConfigParsed');

    const topicProblem = await this.reconcileTopic(kc, m, config.connection);
    if (topicProblem) return topicProblem;

    const serviceProblem = await this.reconcileChannelService(kc, m);
    if (serviceProblem) return serviceProblem;
    m.markTrue('ConfigMapUpdated');
    this.setAddress(kc, m);

    const dlsProblem = await this.reconcileDeadLetterSink(kc, m);
    if (dlsProblem) return dlsProblem;

    const probeProblem = await this.checkDispatcher(m);
    if (probeProblem) return probeProblem;

    return this.reconcileSubscribers(kc, m, config.connection);
  }

  async finalizeKind(kc: KafkaChannel): Promise<ReconcileResult> {
    const { topic } = makeTopic(kc);
    const config = await readKafkaConfig(this.options);
    if (!config.ok) {
      // Without settings there is no Kafka to clean: let the channel go, and say so.
      return normalEvent('TopicNotDeleted', `topic ${topic} left in Kafka: ${config.message}`);
    }
    try {
      await this.options.kafka.deleteTopic(config.connection, topic);
    } catch (err) {
      const e = err as KafkaAdminError;
      return warningEvent(
        e.reason ?? 'TopicDeletionFailed',
        `Failed to delete topic ${topic}: ${e.message}`,
      );
    }
    return undefined;
  }

  private async reconcileTopic(
    kc: KafkaChannel,
    m: Manager,
    connection: KafkaConnection,
  ): Promise<ReconcileResult> {
    const spec = makeTopic(kc);
    try {
      await this.options.kafka.ensureTopic(connection, spec);
    } catch (err) {
      if (!(err instanceof KafkaAdminError)) throw err;
      const message = `Failed to create topic ${spec.topic}: ${err.message}`;
      m.markFalse('TopicReady', err.reason, message);
      return warningEvent(err.reason, message);
    }
    m.markTrueWithReason('TopicReady', 'TopicCreated', `Topic ${spec.topic} created`);
    return undefined;
  }

  /** Creates or repairs `<name>-kn-channel`, refusing to take over a Service it does not own. */
  private async reconcileChannelService(kc: KafkaChannel, m: Manager): Promise<ReconcileResult> {
    const { client, references, systemNamespace, clusterDomain } = this.options;
    const expected = makeChannelService({
      kc,
      dispatcherNamespace: systemNamespace,
      clusterDomain,
    });
    const name = expected.metadata.name ?? '';
    const fail = (message: string): ReconcileResult => {
      m.markFalse('ConfigMapUpdated', 'ChannelServiceFailed', `Channel Service failed: ${message}`);
      return warningEvent('ChannelServiceFailed', message);
    };
    let svc: Service | undefined;
    try {
      svc = await references.get<Service>({
        apiVersion: 'v1',
        kind: 'Service',
        namespace: kc.metadata.namespace,
        name,
      });
      if (!svc) {
        await client.create(expected);
        return undefined;
      }
    } catch (err) {
      return fail((err as Error).message);
    }
    if (!isControlledBy(svc, kc)) {
      return fail(`kafkachannel: ${keyOf(kc)} does not own Service: "${name}"`);
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

  private setAddress(kc: KafkaChannel, m: Manager): void {
    const { name = '', namespace = '' } = kc.metadata;
    const address: Addressable = {
      name: 'http',
      url: `http://${channelHostName(name, namespace, this.options.clusterDomain)}`,
    };
    Object.assign(kc.status ?? {}, { address, addresses: [address] });
    m.markTrue('Addressable');
  }

  /** Knative reports an unresolvable dead-letter sink as a config problem (ConfigParsed). */
  private async reconcileDeadLetterSink(kc: KafkaChannel, m: Manager): Promise<ReconcileResult> {
    const status = kc.status ?? {};
    clearDeadLetterSink(status);
    const dls = kc.spec.delivery?.deadLetterSink;
    if (!dls) return undefined;
    const failure = await resolveDeadLetterSink(this.options.resolver, dls, kc, status);
    if (failure === undefined) return undefined;
    m.markFalse(
      'ConfigParsed',
      'DeadLetterSinkResolveFailed',
      `Unable to get the DeadLetterSink's URI: ${failure}`,
    );
    return warningEvent(
      'DeadLetterSinkResolveFailed',
      `Failed to resolve Dead Letter Sink URI: ${failure}`,
    );
  }

  /** ProbeSucceeded from the dispatcher Service and its EndpointSlices. */
  private async checkDispatcher(m: Manager): Promise<ReconcileResult> {
    const state = await serviceEndpoints(
      this.options.references,
      this.options.systemNamespace,
      DispatcherName,
    );
    if (state === 'ready') {
      m.markTrue('ProbeSucceeded');
      return undefined;
    }
    const [reason, message] =
      state === 'no-service'
        ? ['DispatcherServiceDoesNotExist', `Dispatcher Service "${DispatcherName}" does not exist`]
        : [
            'DispatcherEndpointsNotReady',
            `There are no endpoints ready for Dispatcher service "${DispatcherName}"`,
          ];
    m.markFalse('ProbeSucceeded', reason, message);
    return warningEvent(reason, message);
  }

  /** `status.subscribers` from Kafka's view of each consumer group. */
  private async reconcileSubscribers(
    kc: KafkaChannel,
    m: Manager,
    connection: KafkaConnection,
  ): Promise<ReconcileResult> {
    const { namespace = '', name = '' } = kc.metadata;
    const subs = kc.spec.subscribers ?? [];
    const groups = subs.map((s) => kafkaChannelConsumerGroup(namespace, name, s.uid ?? ''));
    let states;
    try {
      states = await this.options.kafka.groupStates(connection, groups);
    } catch (err) {
      const e = err as KafkaAdminError;
      m.markUnknown('Subscribers', e.reason ?? 'KafkaRequestFailed', e.message);
      return warningEvent(
        e.reason ?? 'KafkaRequestFailed',
        `Failed to read consumer groups: ${e.message}`,
      );
    }
    const statuses: SubscriberStatus[] = subs.map((sub, i) => {
      const state = states.get(groups[i] ?? '');
      const status: SubscriberStatus = { uid: sub.uid ?? '' };
      if (sub.generation !== undefined) status.observedGeneration = sub.generation;
      if (!sub.subscriberUri) {
        return { ...status, ready: 'False', message: 'subscriber has no subscriberUri' };
      }
      if (state?.consuming) return { ...status, ready: 'True' };
      return {
        ...status,
        ready: 'Unknown',
        message: state?.message ?? `consumer group ${groups[i]} not found`,
      };
    });
    kc.status = Object.assign(kc.status ?? {}, { subscribers: statuses });
    const waiting = statuses.filter((s) => s.ready !== 'True');
    if (waiting.length === 0) {
      m.markTrue('Subscribers');
      return undefined;
    }
    m.markUnknown(
      'Subscribers',
      'SubscribersNotReady',
      `${waiting.length} of ${statuses.length} subscriber(s) not consuming yet`,
    );
    return requeueAfter(this.options.subscriberPollMs ?? 2_000);
  }
}
