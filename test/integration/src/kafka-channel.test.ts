import type { KubeObject } from '@knative-ts/kube';
import { AssignerProtocol, Kafka, logLevel } from 'kafkajs';
import {
  eventRequest,
  kafkaChannel,
  kafkaServer,
  ready,
  startKafkaEventing,
  startRecorder,
  subscription,
  type KafkaEventing,
  type Recorder,
} from './kafka-eventing.js';
import { eventually, localCluster } from './local-cluster.js';
import { post, registerLocalService } from './local-eventing.js';

// KafkaChannel against the real Kafka (KRaft) and API server of the local control plane:
// the controller creates and deletes topics, the dispatcher writes accepted events to
// Kafka and delivers them through one consumer group per subscriber.

const KC = ['messaging.knative.dev/v1beta1', 'KafkaChannel'] as const;
const SUB = ['messaging.knative.dev/v1', 'Subscription'] as const;
type Status = {
  status?: {
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
  };
};

describe('KafkaChannel', () => {
  const kafka = new Kafka({
    clientId: 'itest-kc',
    brokers: localCluster().kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  let sys: KafkaEventing;
  const recorders: Recorder[] = [];

  beforeAll(async () => {
    // Short enough that a test sees 503 soon after Kafka stops.
    sys = await startKafkaEventing({ PRODUCE_TIMEOUT_MS: '3000' });
    await admin.connect();
  }, 120_000);

  afterAll(async () => {
    await kafkaServer('start');
    await admin.disconnect();
    await Promise.all(recorders.map((r) => r.close()));
    await sys?.stop();
  }, 120_000);

  const recorder = async (
    ns: string,
    name: string,
    behaviour?: Parameters<typeof startRecorder>[0],
  ) => {
    const r = await startRecorder(behaviour);
    recorders.push(r);
    await registerLocalService(sys.client, ns, name, r.port);
    return r;
  };
  const send = (
    ns: string,
    name: string,
    id: string,
    extra: Record<string, string> = {},
    data?: string,
  ) => {
    const { headers, body } = eventRequest(id, extra, data);
    return post(`http://127.0.0.1:${sys.port}/${ns}/${name}`, headers, body);
  };
  const channelReady = (ns: string, name: string) => ready(sys.client, ...KC, ns, name);

  it('creates the topic with the spec partitions, is Ready with its address, and deletes the topic with the channel', async () => {
    const ns = await sys.namespace('itest-kc-topic');
    await sys.client.create(kafkaChannel(ns, 'orders', { numPartitions: 3, replicationFactor: 1 }));
    const kc = (await channelReady(ns, 'orders')) as KubeObject & {
      status?: { address?: { url?: string } };
    };
    expect(kc.status?.address?.url).toBe(`http://orders-kn-channel.${ns}.svc.cluster.local`);
    const topic = `knative-messaging-kafka.${ns}.orders`;
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(meta.topics[0]?.partitions).toHaveLength(3);
    const svc = await sys.client.get<
      KubeObject & { spec?: { type?: string; externalName?: string } }
    >({
      apiVersion: 'v1',
      kind: 'Service',
      namespace: ns,
      name: 'orders-kn-channel',
    });
    expect(svc.spec).toMatchObject({
      type: 'ExternalName',
      externalName: `kafka-channel-dispatcher.${sys.system}.svc.cluster.local`,
    });

    await sys.client.delete({ apiVersion: KC[0], kind: KC[1], namespace: ns, name: 'orders' });
    await eventually(
      'the topic to be deleted',
      async () => ((await admin.listTopics()).includes(topic) ? undefined : true),
      30_000,
    );
  }, 90_000);

  it('goes on serving the other channels after a used channel and its topic are deleted', async () => {
    // kafkajs clients keep every topic they touched in their metadata requests; one deleted
    // topic then fails them for every channel (tulios/kafkajs#1622).
    const ns = await sys.namespace('itest-kc-deleted');
    const kept = await recorder(ns, 'kept-sub');
    const later = await recorder(ns, 'later-sub');
    await recorder(ns, 'old-sub');
    for (const name of ['old', 'kept']) {
      await sys.client.create(kafkaChannel(ns, name));
      await sys.client.create(subscription(ns, name, name, `${name}-sub`));
      await ready(sys.client, ...SUB, ns, name);
      expect((await send(ns, name, `${name}-1`)).status).toBe(202);
    }
    await eventually('kept-1 delivered', async () =>
      kept.events.find((e) => e.attributes['id'] === 'kept-1'),
    );

    await sys.client.delete({ apiVersion: KC[0], kind: KC[1], namespace: ns, name: 'old' });
    const oldTopic = `knative-messaging-kafka.${ns}.old`;
    await eventually(
      'the old topic deleted and the channel gone from the dispatcher',
      async () =>
        !(await admin.listTopics()).includes(oldTopic) &&
        (await send(ns, 'old', 'old-2')).status === 404
          ? true
          : undefined,
      30_000,
    );

    // The producer wrote to the deleted topic: the next write must still be stored.
    const afterDelete = await send(ns, 'kept', 'kept-2');
    expect(afterDelete.status).toBe(202);
    // The admin set up a group on the deleted topic: a new subscriber must still start.
    await sys.client.create(kafkaChannel(ns, 'later'));
    await sys.client.create(subscription(ns, 'later', 'later', 'later-sub'));
    await ready(sys.client, ...SUB, ns, 'later');
    expect((await send(ns, 'later', 'later-1')).status).toBe(202);
    for (const [r, id] of [
      [kept, 'kept-2'],
      [later, 'later-1'],
    ] as const) {
      await eventually(`${id} delivered`, async () =>
        r.events.find((e) => e.attributes['id'] === id),
      );
    }
  }, 120_000);

  it('delivers an event to every subscriber unchanged, and refuses what it must', async () => {
    const ns = await sys.namespace('itest-kc-fanout');
    const a = await recorder(ns, 'sub-a');
    const b = await recorder(ns, 'sub-b');
    await sys.client.create(kafkaChannel(ns, 'ch'));
    await sys.client.create(subscription(ns, 'to-a', 'ch', 'sub-a'));
    await sys.client.create(subscription(ns, 'to-b', 'ch', 'sub-b'));
    await ready(sys.client, ...SUB, ns, 'to-a');
    await ready(sys.client, ...SUB, ns, 'to-b');
    await channelReady(ns, 'ch');

    const res = await send(
      ns,
      'ch',
      'fan-1',
      { myext: 'abc', subject: 'sub-1' },
      '{"hello":"kafka"}',
    );
    expect(res.status).toBe(202);
    for (const r of [a, b]) {
      const got = await eventually('the event at the subscriber', async () =>
        r.events.find((e) => e.attributes['id'] === 'fan-1'),
      );
      expect(got.attributes).toEqual({
        specversion: '1.0',
        id: 'fan-1',
        source: '/itest/kafka',
        type: 'itest.kafka',
        datacontenttype: 'application/json',
        myext: 'abc',
        subject: 'sub-1',
      });
      expect(Buffer.from(got.data ?? new Uint8Array()).toString()).toBe('{"hello":"kafka"}');
    }

    // The refusals of imc-dispatcher, plus host routing.
    expect(
      (await post(`http://127.0.0.1:${sys.port}/${ns}/nope`, eventRequest('x').headers, '{}'))
        .status,
    ).toBe(404);
    expect(
      (
        await post(
          `http://127.0.0.1:${sys.port}/${ns}/ch`,
          { 'content-type': 'application/json' },
          '{}',
        )
      ).status,
    ).toBe(400);
    expect((await post(`http://127.0.0.1:${sys.port}/${ns}/ch`, {}, '', 'GET')).status).toBe(405);
    const byHost = await post(
      `http://127.0.0.1:${sys.port}/`,
      { ...eventRequest('fan-2').headers, host: `ch-kn-channel.${ns}.svc.cluster.local` },
      '{}',
    );
    expect(byHost.status).toBe(202);
    await eventually('the host-routed event', async () =>
      a.events.find((e) => e.attributes['id'] === 'fan-2'),
    );
  }, 90_000);

  it('sends replies to the reply destination and failures to the dead-letter sink', async () => {
    const ns = await sys.namespace('itest-kc-reply');
    await recorder(ns, 'replier', (e) => ({
      status: 200,
      reply: {
        attributes: { ...e.attributes, id: `reply-${e.attributes['id']}`, type: 'itest.reply' },
        data: e.data ?? new Uint8Array(),
      },
    }));
    const replies = await recorder(ns, 'replies');
    await recorder(ns, 'failing', () => ({ status: 500 }));
    const dls = await recorder(ns, 'dls');
    await sys.client.create(kafkaChannel(ns, 'ch'));
    await sys.client.create(subscription(ns, 'with-reply', 'ch', 'replier', { reply: 'replies' }));
    await sys.client.create(
      subscription(ns, 'with-dls', 'ch', 'failing', {
        deadLetterSink: 'dls',
        delivery: { retry: 1, backoffDelay: 'PT0.1S', backoffPolicy: 'linear' },
      }),
    );
    await ready(sys.client, ...SUB, ns, 'with-reply');
    await ready(sys.client, ...SUB, ns, 'with-dls');

    expect((await send(ns, 'ch', 'r-1')).status).toBe(202);
    const reply = await eventually('the reply', async () =>
      replies.events.find((e) => e.attributes['id'] === 'reply-r-1'),
    );
    expect(reply.attributes['type']).toBe('itest.reply');
    const dead = await eventually('the dead letter', async () =>
      dls.events.find((e) => e.attributes['id'] === 'r-1'),
    );
    expect(dead.attributes['knativeerrorcode']).toBe('500');
    expect(dead.attributes['knativeerrordest']).toBe(`http://failing.${ns}.svc.cluster.local`);
  }, 90_000);

  it('keeps per-partition order for an ordered subscriber', async () => {
    const ns = await sys.namespace('itest-kc-order');
    const r = await recorder(ns, 'ordered');
    await sys.client.create(kafkaChannel(ns, 'ch', { numPartitions: 3 }));
    await sys.client.create(subscription(ns, 'ordered', 'ch', 'ordered'));
    await ready(sys.client, ...SUB, ns, 'ordered');
    const keys = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5'];
    const perKey = 40;
    // Senders per key run in parallel; within a key each waits for its 202 first.
    await Promise.all(
      keys.map(async (key) => {
        for (let i = 0; i < perKey; i++) {
          const res = await send(ns, 'ch', `${key}-${i}`, { partitionkey: key, seq: String(i) });
          expect(res.status).toBe(202);
        }
      }),
    );
    await eventually(
      'every event at the subscriber',
      async () => (r.events.length >= keys.length * perKey ? true : undefined),
      60_000,
    );
    for (const key of keys) {
      const seqs = r.events
        .filter((e) => e.attributes['partitionkey'] === key)
        .map((e) => Number(e.attributes['seq']));
      expect(seqs).toEqual(Array.from({ length: perKey }, (_, i) => i));
    }
  }, 120_000);

  it('dispatches concurrently within a partition only for an unordered channel', async () => {
    const ns = await sys.namespace('itest-kc-unordered');
    const slow = { status: 202, delayMs: 300 };
    const ordered = await recorder(ns, 'ordered', () => slow);
    const unordered = await recorder(ns, 'unordered', () => slow);
    await sys.client.create(kafkaChannel(ns, 'ord', { numPartitions: 1 }));
    await sys.client.create(
      kafkaChannel(
        ns,
        'unord',
        { numPartitions: 1 },
        { 'kafka.eventing.knative.dev/delivery.order': 'unordered' },
      ),
    );
    await sys.client.create(subscription(ns, 'ordered', 'ord', 'ordered'));
    await sys.client.create(subscription(ns, 'unordered', 'unord', 'unordered'));
    await ready(sys.client, ...SUB, ns, 'ordered');
    await ready(sys.client, ...SUB, ns, 'unordered');
    for (const ch of ['ord', 'unord']) {
      for (let i = 0; i < 10; i++) expect((await send(ns, ch, `${ch}-${i}`)).status).toBe(202);
    }
    for (const r of [ordered, unordered]) {
      await eventually(
        'all ten events',
        async () => (r.events.length >= 10 ? true : undefined),
        60_000,
      );
    }
    // One partition: ordered holds one event at a time, unordered several.
    expect(ordered.maxInFlight).toBe(1);
    expect(unordered.maxInFlight).toBeGreaterThan(1);
    expect(ordered.events.map((e) => e.attributes['id'])).toEqual(
      Array.from({ length: 10 }, (_, i) => `ord-${i}`),
    );
  }, 120_000);

  it('shares the partitions of a subscriber between dispatcher replicas, and hands them over when one stops', async () => {
    const ns = await sys.namespace('itest-kc-replicas');
    const sub = await recorder(ns, 'sub');
    await sys.client.create(kafkaChannel(ns, 'ch', { numPartitions: 4 }));
    await sys.client.create(subscription(ns, 'to-sub', 'ch', 'sub'));
    const { metadata } = await ready(sys.client, ...SUB, ns, 'to-sub');
    const group = `kafka.${ns}.ch.${metadata.uid}`;
    // The partitions each member of the subscriber's group holds, once the group is Stable.
    const partitionsPerMember = async () => {
      const g = (await admin.describeGroups([group])).groups[0];
      if (g?.state !== 'Stable') return undefined;
      return g.members.map((m) => {
        const assigned = AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment;
        return Object.values(assigned ?? {}).flat().length;
      });
    };
    const received = (prefix: string) =>
      sub.events.filter((e) => String(e.attributes['id']).startsWith(prefix)).length;

    const { replica, port: replicaPort } = await sys.startReplica();
    try {
      const shared = await eventually(
        'both replicas holding partitions of the group',
        async () => {
          const counts = await partitionsPerMember();
          return counts?.length === 2 && counts.every((n) => n > 0) ? counts : undefined;
        },
        60_000,
      );
      expect(shared.reduce((a, b) => a + b, 0)).toBe(4);
      // Either replica's ingress takes events, and between them every partition is read.
      for (let i = 0; i < 40; i++) {
        const { headers, body } = eventRequest(`rep-${i}`, { partitionkey: `k${i}` });
        const port = i % 2 === 0 ? sys.port : replicaPort;
        expect((await post(`http://127.0.0.1:${port}/${ns}/ch`, headers, body)).status).toBe(202);
      }
      await eventually('all 40 delivered', async () => (received('rep-') >= 40 ? true : undefined));
      // Once each: one group, not a group per replica.
      await new Promise((r) => setTimeout(r, 1000));
      expect(received('rep-')).toBe(40);
    } finally {
      await replica.stop('SIGTERM', 20_000);
    }

    // The replica left the group: the one remaining takes over all four partitions.
    await eventually(
      'one member holding all four partitions',
      async () => ((await partitionsPerMember())?.join() === '4' ? true : undefined),
      60_000,
    );
    for (let i = 0; i < 20; i++) {
      expect((await send(ns, 'ch', `after-${i}`, { partitionkey: `k${i}` })).status).toBe(202);
    }
    await eventually('the events after the hand-over delivered', async () =>
      received('after-') >= 20 ? true : undefined,
    );
    expect(new Set(sub.events.map((e) => e.attributes['id'])).size).toBe(60);
  }, 180_000);

  it('answers 503 while Kafka is stopped, and delivers again once it is back', async () => {
    const ns = await sys.namespace('itest-kc-outage');
    const r = await recorder(ns, 'sub');
    await sys.client.create(kafkaChannel(ns, 'ch'));
    await sys.client.create(subscription(ns, 'sub', 'ch', 'sub'));
    await ready(sys.client, ...SUB, ns, 'sub');
    expect((await send(ns, 'ch', 'before')).status).toBe(202);
    await eventually('the event before the outage', async () =>
      r.events.find((e) => e.attributes['id'] === 'before'),
    );

    await kafkaServer('stop');
    try {
      const during = await send(ns, 'ch', 'during');
      expect(during.status).toBe(503);
    } finally {
      await kafkaServer('start');
    }
    const after = await eventually(
      'a 202 once Kafka is back',
      async () => {
        const res = await send(ns, 'ch', 'after');
        return res.status === 202 ? res : undefined;
      },
      60_000,
    );
    expect(after.status).toBe(202);
    await eventually(
      'the event after the outage at the subscriber',
      async () => r.events.find((e) => e.attributes['id'] === 'after'),
      60_000,
    );
    // Nothing more is promised for the refused event: the producer may still have written
    // it once Kafka came back (a 503 is never a lie about a 202, but a 503'd event can
    // arrive; its sender's retry is then a duplicate, which at-least-once allows).
  }, 240_000);

  it('reports a replication factor Kafka refuses as Ready=False with an Event, and keeps running', async () => {
    const ns = await sys.namespace('itest-kc-badrf');
    await sys.client.create(kafkaChannel(ns, 'ch', { replicationFactor: 3 }));
    const kc = await eventually(
      'TopicReady=False',
      async () => {
        const o = await sys.client.get<KubeObject & Status>({
          apiVersion: KC[0],
          kind: KC[1],
          namespace: ns,
          name: 'ch',
        });
        const c = o.status?.conditions?.find((x) => x.type === 'TopicReady');
        return c?.status === 'False' ? o : undefined;
      },
      60_000,
    );
    const conds = Object.fromEntries((kc.status?.conditions ?? []).map((c) => [c.type, c]));
    expect(conds['TopicReady']).toMatchObject({
      status: 'False',
      reason: 'InvalidReplicationFactor',
    });
    expect(conds['TopicReady']?.message).toMatch(
      /Replication-factor is invalid: replicationFactor 3 exceeds the 1 broker/,
    );
    expect(conds['Ready']).toMatchObject({ status: 'False', reason: 'InvalidReplicationFactor' });
    const events = await eventually('a Warning Event', async () => {
      const list = await sys.client.list<KubeObject & { reason?: string; type?: string }>({
        apiVersion: 'v1',
        kind: 'Event',
        namespace: ns,
      });
      return list.items.find(
        (e) => e.reason === 'InvalidReplicationFactor' && e.type === 'Warning',
      );
    });
    expect(events).toBeDefined();
    expect((await fetch(`http://127.0.0.1:${sys.controller.port}/healthz`)).status).toBe(200);
  }, 90_000);
});
