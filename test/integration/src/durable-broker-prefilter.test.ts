import { startEventServer, type EventServer } from '@knative-ts/delivery/testing';
import type { KubeObject } from '@knative-ts/kube';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Kafka, logLevel } from 'kafkajs';
import { installedChannelKinds, type ChannelKind } from './channel-kinds.js';
import { installCrds } from './crds.js';
import { ready } from './kafka-eventing.js';
import { eventually, localCluster, uniqueName } from './local-cluster.js';
import { post, startLocalEventing, type LocalEventing } from './local-eventing.js';

// The Trigger prefilter of the durable channel dispatchers, against the real Kafka and the
// real NATS JetStream: a Broker whose trigger channel is a KafkaChannel or a NatssChannel,
// 10 Triggers of which 1 takes the events. The dispatcher sends each event to broker-filter
// for the matching Trigger only, and settles it for the other 9 without a request (commit /
// ack, as for a delivery). Without the prefilter every event costs 10 deliveries.

const eventing = 'eventing.knative.dev/v1';
const trigger = 'default-kne-trigger';

/** What a test needs of one durable channel kind's backend. */
interface Backend {
  /** The Brokers' channel: chart value `brokerDefaults.channel`. */
  template: { apiVersion: string; kind: string };
  /** The dispatcher's delivery counter (Knative's name for it on that dispatcher). */
  counter: string;
  /** Whether the consumers of these subscriptions have settled every stored event. */
  settled(ns: string, uids: string[]): Promise<boolean>;
  close(): Promise<void>;
}

async function kafkaBackend(): Promise<Backend> {
  const kafka = new Kafka({
    clientId: 'itest-prefilter',
    brokers: localCluster().kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  return {
    template: { apiVersion: 'messaging.knative.dev/v1beta1', kind: 'KafkaChannel' },
    counter: 'event_count_1_total',
    async settled(ns, uids) {
      // eventing-kafka-broker's names: topic and one consumer group per subscription.
      const topic = `knative-messaging-kafka.${ns}.${trigger}`;
      const ends = await admin.fetchTopicOffsets(topic);
      for (const uid of uids) {
        const [committed] = await admin.fetchOffsets({
          groupId: `kafka.${ns}.${trigger}.${uid}`,
          topics: [topic],
        });
        for (const end of ends) {
          const at = committed?.partitions.find((p) => p.partition === end.partition);
          if (at?.offset !== end.high) return false;
        }
      }
      return true;
    },
    close: () => admin.disconnect(),
  };
}

async function jetStreamBackend(): Promise<Backend> {
  const nc = await connect({ servers: localCluster().natsUrl });
  const jsm = await jetstreamManager(nc);
  return {
    template: { apiVersion: 'messaging.knative.dev/v1alpha1', kind: 'NatssChannel' },
    counter: 'jetstream_channel_dispatcher_event_count',
    async settled(ns, uids) {
      // eventing-natss's names: stream KN_<NS>__<NAME>, durable consumer KN_SUB_<UID>.
      const stream = `KN_${ns}__${trigger}`.toUpperCase().replace(/-/g, '_');
      for (const uid of uids) {
        const info = await jsm.consumers.info(
          stream,
          `KN_SUB_${uid.replace(/-/g, '').toUpperCase()}`,
        );
        if (info.num_pending > 0 || info.num_ack_pending > 0) return false;
      }
      return true;
    },
    close: () => nc.drain(),
  };
}

const backends: Record<string, () => Promise<Backend>> = {
  KafkaChannel: kafkaBackend,
  NatssChannel: jetStreamBackend,
};
const durable = installedChannelKinds().filter((k) => backends[k.kind] !== undefined);

const ev = (id: string, type: string) => ({
  'content-type': 'application/json',
  'ce-specversion': '1.0',
  'ce-id': id,
  'ce-source': '/itest/prefilter',
  'ce-type': type,
});

describe.each(durable)('a Broker on $kind', (kind: ChannelKind) => {
  const ns = uniqueName('itest-prefilter');
  let sys: LocalEventing;
  let backend: Backend;
  let sink: EventServer;

  beforeAll(async () => {
    await installCrds();
    backend = await (backends[kind.kind] as () => Promise<Backend>)();
    sys = await startLocalEventing({
      prefix: 'itest-prefilter-sys',
      values: { 'brokerDefaults.channel': backend.template },
      channelApps: [{ app: kind.app, service: kind.service }],
    });
    await sys.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    sink = await startEventServer();
    await sys.registerService(ns, 'sink', sink.port);
  }, 180_000);

  afterAll(async () => {
    await sink?.close();
    await sys?.client
      .delete({ apiVersion: 'v1', kind: 'Namespace', name: ns })
      .catch(() => undefined);
    await sys?.stop();
    await backend?.close();
  }, 90_000);

  /** Deliveries the channel dispatcher made of events of `type`, from its own /metrics. */
  const dispatched = async (type: string) => {
    const port = sys.channelApps[kind.service]?.process.port ?? 0;
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    let total = 0;
    for (const line of text.split('\n')) {
      if (!line.startsWith(`${backend.counter}{`)) continue;
      if (!line.includes(`namespace_name="${ns}"`) || !line.includes(`event_type="${type}"`))
        continue;
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return total;
  };
  /** broker-filter's count of answers for `trigger`, from the /metrics of `port`. */
  const filterCounted = async (port: number, trigger: string) => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return text
      .split('\n')
      .filter(
        (l) =>
          l.startsWith('mt_broker_filter_event_count{') &&
          l.includes(`namespace_name="${ns}"`) &&
          l.includes(`trigger_name="${trigger}"`),
      )
      .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  };
  const send = async (id: string, type: string) => {
    const res = await post(sys.brokerUrl(ns, 'default'), ev(id, type), `{"id":"${id}"}`);
    expect({ id, status: res.status }).toEqual({ id, status: 202 });
  };

  it("serves each event for the 1 matching Trigger of 10 with broker-filter's work in-process, and settles the other 9", async () => {
    await sys.client.create({
      apiVersion: eventing,
      kind: 'Broker',
      metadata: { namespace: ns, name: 'default' },
    } as KubeObject);
    const types = ['sparse.a', ...Array.from({ length: 9 }, (_, i) => `sparse.never.${i}`)];
    const triggers = types.map((type, i) => ({ name: i === 0 ? 'sparse-a' : `never-${i}`, type }));
    for (const t of triggers) {
      await sys.client.create({
        apiVersion: eventing,
        kind: 'Trigger',
        metadata: { namespace: ns, name: t.name },
        spec: {
          broker: 'default',
          filter: { attributes: { type: t.type } },
          subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name: 'sink' } },
        },
      } as KubeObject);
    }
    await ready(sys.client, eventing, 'Broker', ns, 'default', 90_000);
    for (const t of triggers) await ready(sys.client, eventing, 'Trigger', ns, t.name, 90_000);
    const { items } = await sys.client.list({
      apiVersion: 'messaging.knative.dev/v1',
      kind: 'Subscription',
      namespace: ns,
    });
    const uids = items.map((s) => s.metadata.uid ?? '');
    expect(uids).toHaveLength(10);
    const settled = (what: string) =>
      eventually(what, async () => ((await backend.settled(ns, uids)) ? true : undefined), 60_000);

    // The dispatcher learns Triggers from its own informer: wait until a probe that no
    // Trigger takes is settled by all 10 consumers without a single delivery.
    let probes = 0;
    await eventually(
      'the dispatcher to know the 10 Triggers',
      async () => {
        const before = await dispatched('sparse.probe');
        await send(`probe-${probes++}`, 'sparse.probe');
        await settled('the probe settled');
        return (await dispatched('sparse.probe')) === before ? true : undefined;
      },
      90_000,
    );

    for (let i = 0; i < 5; i++) await send(`a-${i}`, 'sparse.a');
    for (let i = 0; i < 5; i++) await send(`b-${i}`, 'sparse.b');
    await eventually('the 5 matching events at the sink', async () =>
      sink.requests.length >= 5 ? true : undefined,
    );
    // Every consumer committed/acked every event: the counts are final now.
    await settled('every event settled by all 10 consumers');
    expect({ a: await dispatched('sparse.a'), b: await dispatched('sparse.b') }).toEqual({
      a: 5,
      b: 0,
    });
    expect(sink.requests.map((r) => String(r.headers['ce-id'])).sort()).toEqual(
      [0, 1, 2, 3, 4].map((i) => `a-${i}`),
    );
    // The 5 deliveries were broker-filter's work done by the channel dispatcher itself.
    const dispatcherPort = sys.channelApps[kind.service]?.process.port ?? 0;
    expect(await filterCounted(dispatcherPort, 'sparse-a')).toBe(5);
    expect(await filterCounted(sys.apps['broker-filter'].port, 'sparse-a')).toBe(0);
  }, 240_000);
});
