import type { KubeObject } from '@knative-ts/kube';
import type { KafkaChannel, KafkaConnection } from '@knative-ts/types';
import { reconcileOnce, testNow } from '../../testing/reconcile-once.js';
import {
  endpointSliceFixture,
  serviceFixture,
  summary,
  testResolver,
} from '../../testing/fixtures.js';
import {
  KafkaAdminError,
  type GroupState,
  type KafkaAdmin,
  type TopicSpec,
} from './kafka-admin.js';
import { KafkaChannelReconciler } from './reconciler.js';

const ns = 'demo';
const sys = 'knative-eventing';
const kcRef = {
  apiVersion: 'messaging.knative.dev/v1beta1',
  kind: 'KafkaChannel',
  namespace: ns,
  name: 'kc',
};
const topic = 'knative-messaging-kafka.demo.kc';

function kc(overrides: Partial<KafkaChannel> = {}): KafkaChannel {
  return {
    apiVersion: kcRef.apiVersion,
    kind: 'KafkaChannel',
    metadata: {
      namespace: ns,
      name: 'kc',
      uid: 'kc-uid',
      generation: 1,
      finalizers: ['kafkachannels.messaging.knative.dev'],
    },
    spec: { numPartitions: 3, replicationFactor: 1, retentionDuration: 'PT1H' },
    ...overrides,
  };
}

const configMap = (data: Record<string, string>): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { namespace: sys, name: 'kafka-channel-config' },
    data,
  }) as KubeObject;
const goodConfig = configMap({ 'bootstrap.servers': 'kafka:9092' });
const dispatcherService = serviceFixture('kafka-channel-dispatcher');
const slice = endpointSliceFixture('kafka-channel-dispatcher', true);
const healthy = [goodConfig, dispatcherService, slice];

/** A Kafka that records calls and answers as told. */
class FakeKafka implements KafkaAdmin {
  calls: string[] = [];
  topicError: KafkaAdminError | undefined;
  groups = new Map<string, GroupState>();
  async ensureTopic(c: KafkaConnection, spec: TopicSpec) {
    this.calls.push(`ensureTopic ${c.brokers.join(',')} ${JSON.stringify(spec)}`);
    if (this.topicError) throw this.topicError;
    return 'created' as const;
  }
  async deleteTopic(_c: KafkaConnection, t: string) {
    this.calls.push(`deleteTopic ${t}`);
  }
  async groupStates(_c: KafkaConnection, groups: string[]) {
    this.calls.push(`groupStates ${groups.join(',')}`);
    return new Map(
      groups.filter((g) => this.groups.has(g)).map((g) => [g, this.groups.get(g) as GroupState]),
    );
  }
  async close() {}
}

const run = (objects: KubeObject[], kafka: FakeKafka) =>
  reconcileOnce<KafkaChannel>({
    objects,
    apiVersion: kcRef.apiVersion,
    kind: 'KafkaChannel',
    key: 'demo/kc',
    reconciler: ({ client, references }) =>
      new KafkaChannelReconciler({
        client,
        references,
        resolver: testResolver(references),
        kafka,
        systemNamespace: sys,
        clusterDomain: 'cluster.local',
        now: () => testNow,
      }),
  });

const allTrue = {
  Addressable: 'True',
  ConfigMapUpdated: 'True',
  ConfigParsed: 'True',
  ProbeSucceeded: 'True',
  Ready: 'True',
  Subscribers: 'True',
  TopicReady: 'True TopicCreated',
};

describe('KafkaChannelReconciler', () => {
  it.each([
    {
      name: 'no kafka-channel-config',
      objects: [kc(), dispatcherService, slice],
      event:
        'Warning KafkaConfigMapNotFound ConfigMap knative-eventing/kafka-channel-config does not exist: create it with bootstrap.servers',
      conditions: {
        ConfigParsed: 'False KafkaConfigMapNotFound',
        Ready: 'False KafkaConfigMapNotFound',
      },
    },
    {
      name: 'bootstrap.servers missing',
      objects: [kc(), configMap({}), dispatcherService, slice],
      event:
        'Warning KafkaConfigInvalid ConfigMap knative-eventing/kafka-channel-config: bootstrap.servers is empty: set it to host:port[,host:port]',
      conditions: { ConfigParsed: 'False KafkaConfigInvalid', Ready: 'False KafkaConfigInvalid' },
    },
    {
      name: 'a named auth Secret that does not exist',
      objects: [
        kc(),
        configMap({ 'bootstrap.servers': 'k:9092', 'auth.secret.ref.name': 'creds' }),
        dispatcherService,
        slice,
      ],
      event:
        'Warning KafkaAuthSecretNotFound Secret knative-eventing/creds named by ConfigMap knative-eventing/kafka-channel-config does not exist',
      conditions: {
        ConfigParsed: 'False KafkaAuthSecretNotFound',
        Ready: 'False KafkaAuthSecretNotFound',
      },
    },
  ])(
    '$name: ConfigParsed False with an Event, Kafka untouched',
    async ({ objects, event, conditions }) => {
      const kafka = new FakeKafka();
      const { events, client } = await run(objects, kafka);
      expect(events).toEqual([event]);
      expect(kafka.calls).toEqual([]);
      expect(summary(client.peek<KafkaChannel>(kcRef)?.status?.conditions)).toMatchObject(
        conditions,
      );
    },
  );

  it('a spec the webhook would reject: Ready False InvalidSpec naming the fields, Kafka untouched', async () => {
    const kafka = new FakeKafka();
    const invalid = kc({
      spec: { numPartitions: -1, replicationFactor: 1, retentionDuration: 'a week' },
    });
    const { actions, events, client } = await run([invalid, ...healthy], kafka);
    expect(actions).toEqual(['updateStatus KafkaChannel demo/kc']);
    expect(events).toEqual([
      'Warning InvalidSpec invalid value: -1: spec.numPartitions\ninvalid value: a week: spec.retentionDuration',
    ]);
    expect(kafka.calls).toEqual([]);
    expect(summary(client.peek<KafkaChannel>(kcRef)?.status?.conditions)).toMatchObject({
      Ready: 'False InvalidSpec',
    });
  });

  it('a topic Kafka refuses: TopicReady False with Kafka reason and an Event', async () => {
    const kafka = new FakeKafka();
    kafka.topicError = new KafkaAdminError(
      'InvalidReplicationFactor',
      'Replication-factor is invalid',
    );
    const { events, client, outcome } = await run([kc(), ...healthy], kafka);
    expect(events).toEqual([
      `Warning InvalidReplicationFactor Failed to create topic ${topic}: Replication-factor is invalid`,
    ]);
    expect(outcome.result).toBe('retry');
    expect(summary(client.peek<KafkaChannel>(kcRef)?.status?.conditions)).toMatchObject({
      ConfigParsed: 'True',
      TopicReady: 'False InvalidReplicationFactor',
      Ready: 'False InvalidReplicationFactor',
    });
  });

  it('creates the topic from the spec and the channel Service, and becomes Ready', async () => {
    const kafka = new FakeKafka();
    const { actions, events, bodies, client } = await run([kc(), ...healthy], kafka);
    expect(kafka.calls[0]).toBe(
      `ensureTopic kafka:9092 ${JSON.stringify({ topic, numPartitions: 3, replicationFactor: 1, retentionMs: 3_600_000 })}`,
    );
    expect(actions).toEqual([
      'create Service demo/kc-kn-channel',
      'updateStatus KafkaChannel demo/kc',
    ]);
    expect(bodies[0]).toMatchObject({
      spec: {
        type: 'ExternalName',
        externalName: 'kafka-channel-dispatcher.knative-eventing.svc.cluster.local',
      },
    });
    expect(events).toEqual([]);
    const status = client.peek<KafkaChannel>(kcRef)?.status;
    expect(summary(status?.conditions)).toEqual(allTrue);
    expect(status?.address).toEqual({
      name: 'http',
      url: 'http://kc-kn-channel.demo.svc.cluster.local',
    });
  });

  it('reports a subscriber ready only once its consumer group is consuming', async () => {
    const kafka = new FakeKafka();
    const withSubs = kc({
      spec: {
        ...kc().spec,
        subscribers: [
          { uid: 's1', generation: 1, subscriberUri: 'http://a.demo.svc.cluster.local' },
          { uid: 's2', generation: 2, subscriberUri: 'http://b.demo.svc.cluster.local' },
        ],
      },
    });
    kafka.groups.set('kafka.demo.kc.s1', { consuming: true });
    kafka.groups.set('kafka.demo.kc.s2', {
      consuming: false,
      message: 'consumer group kafka.demo.kc.s2 is Empty with 0 member(s)',
    });
    const { client, outcome } = await run([withSubs, ...healthy], kafka);
    expect(outcome).toEqual({ result: 'requeueAfter', ms: 2000 });
    const status = client.peek<KafkaChannel>(kcRef)?.status;
    expect(status?.subscribers).toEqual([
      { uid: 's1', observedGeneration: 1, ready: 'True' },
      {
        uid: 's2',
        observedGeneration: 2,
        ready: 'Unknown',
        message: 'consumer group kafka.demo.kc.s2 is Empty with 0 member(s)',
      },
    ]);
    expect(summary(status?.conditions)).toMatchObject({
      Subscribers: 'Unknown SubscribersNotReady',
      Ready: 'Unknown SubscribersNotReady',
    });
  });

  it('without dispatcher endpoints: ProbeSucceeded False', async () => {
    const kafka = new FakeKafka();
    const { client, events } = await run([kc(), goodConfig, dispatcherService], kafka);
    expect(events).toEqual([
      'Warning DispatcherEndpointsNotReady There are no endpoints ready for Dispatcher service "kafka-channel-dispatcher"',
    ]);
    expect(summary(client.peek<KafkaChannel>(kcRef)?.status?.conditions)).toMatchObject({
      ProbeSucceeded: 'False DispatcherEndpointsNotReady',
    });
  });

  it('deletes the topic when the channel is deleted, then drops the finalizer', async () => {
    const kafka = new FakeKafka();
    const deleting = kc({
      metadata: { ...kc().metadata, deletionTimestamp: '2025-01-01T00:00:00Z' },
    });
    const { actions } = await run([deleting, ...healthy], kafka);
    expect(kafka.calls).toEqual([`deleteTopic ${topic}`]);
    expect(actions).toEqual(['patch KafkaChannel demo/kc']);
  });

  it('writes nothing once everything is in place (idempotent)', async () => {
    const kafka = new FakeKafka();
    const first = await run([kc(), ...healthy], kafka);
    const settled = first.client.peek<KafkaChannel>(kcRef) as KafkaChannel;
    const second = await run(
      [
        settled,
        ...healthy,
        first.client.peek({
          apiVersion: 'v1',
          kind: 'Service',
          namespace: ns,
          name: 'kc-kn-channel',
        }) as KubeObject,
      ],
      kafka,
    );
    expect(second.actions).toEqual([]);
    expect(second.events).toEqual([]);
  });
});
