import { isNotFound, type KubeObject } from '@knative-ts/kube';
import { eventRequest, ready, startRecorder, type Recorder } from './kafka-eventing.js';
import { eventually, uniqueName } from './local-cluster.js';
import { post, startLocalEventing, type LocalEventing } from './local-eventing.js';

// KafkaChannel chosen only by configuration: a Broker whose config-br-default-channel
// names KafkaChannel (chart value brokerDefaults.channel), a Parallel and a Channel whose channelTemplate does. The whole
// system runs locally (controller, broker-ingress, broker-filter, kafka-channel-dispatcher)
// against the real API server and Kafka.

const kafkaTemplate = {
  apiVersion: 'messaging.knative.dev/v1beta1',
  kind: 'KafkaChannel',
  spec: { numPartitions: 2 },
};
const svc = (name: string) => ({ ref: { apiVersion: 'v1', kind: 'Service', name } });

describe('Broker, Parallel and Channel over KafkaChannel', () => {
  let sys: LocalEventing;
  let port: number;
  const recorders: Recorder[] = [];
  const namespaces: string[] = [];

  beforeAll(async () => {
    sys = await startLocalEventing({
      prefix: 'itest-kflow-sys',
      values: { 'brokerDefaults.channel': kafkaTemplate },
      channelApps: [{ app: 'kafka-channel-dispatcher', service: 'kafka-channel-dispatcher' }],
    });
    port = sys.channelApps['kafka-channel-dispatcher']?.port ?? 0;
  }, 120_000);

  afterAll(async () => {
    await Promise.all(recorders.map((r) => r.close()));
    for (const name of namespaces) {
      await sys.client
        .delete({ apiVersion: 'v1', kind: 'Namespace', name })
        .catch((err: unknown) => {
          if (!isNotFound(err)) throw err;
        });
    }
    await sys?.stop();
  }, 120_000);

  const namespace = async (prefix: string) => {
    const ns = uniqueName(prefix);
    namespaces.push(ns);
    await sys.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    return ns;
  };
  const recorder = async (
    ns: string,
    name: string,
    behaviour?: Parameters<typeof startRecorder>[0],
  ) => {
    const r = await startRecorder(behaviour);
    recorders.push(r);
    await sys.registerService(ns, name, r.port);
    return r;
  };
  const ids = (r: Recorder) => r.events.map((e) => e.attributes['id']).sort();

  it('Broker with the default channel KafkaChannel: triggers filter, events arrive once each', async () => {
    const ns = await namespace('itest-kflow-br');
    const all = await recorder(ns, 'all');
    const greetings = await recorder(ns, 'greetings');
    await sys.client.create({
      apiVersion: 'eventing.knative.dev/v1',
      kind: 'Broker',
      metadata: { namespace: ns, name: 'default' },
    } as KubeObject);
    for (const [name, subscriber, filter] of [
      ['all', 'all', undefined],
      ['greetings', 'greetings', { attributes: { type: 'greeting' } }],
    ] as const) {
      await sys.client.create({
        apiVersion: 'eventing.knative.dev/v1',
        kind: 'Trigger',
        metadata: { namespace: ns, name },
        spec: { broker: 'default', subscriber: svc(subscriber), ...(filter && { filter }) },
      } as KubeObject);
    }
    await ready(sys.client, 'eventing.knative.dev/v1', 'Broker', ns, 'default');
    await ready(sys.client, 'eventing.knative.dev/v1', 'Trigger', ns, 'all');
    await ready(sys.client, 'eventing.knative.dev/v1', 'Trigger', ns, 'greetings');
    // The broker's channel is a KafkaChannel, as the config named it.
    const kcs = await sys.client.list({
      apiVersion: 'messaging.knative.dev/v1beta1',
      kind: 'KafkaChannel',
      namespace: ns,
    });
    expect(kcs.items.map((k) => k.metadata.name)).toEqual(['default-kne-trigger']);

    for (const type of ['greeting', 'farewell']) {
      const { headers, body } = eventRequest(type, { type });
      expect((await post(sys.brokerUrl(ns, 'default'), headers, body)).status).toBe(202);
    }
    await eventually(
      'both events at "all", the greeting at "greetings"',
      async () => (all.events.length >= 2 && greetings.events.length >= 1 ? true : undefined),
      60_000,
    );
    expect(ids(all)).toEqual(['farewell', 'greeting']);
    expect(ids(greetings)).toEqual(['greeting']);
  }, 120_000);

  it('Parallel over KafkaChannel: each branch answers, every reply reaches the reply destination', async () => {
    const ns = await namespace('itest-kflow-par');
    const branch =
      (tag: string) => (e: Parameters<NonNullable<Parameters<typeof startRecorder>[0]>>[0]) => ({
        status: 200,
        reply: {
          attributes: { ...e.attributes, id: `${e.attributes['id']}-${tag}` },
          data: e.data ?? new Uint8Array(),
        },
      });
    await recorder(ns, 'left', branch('left'));
    await recorder(ns, 'right', branch('right'));
    const out = await recorder(ns, 'out');
    await sys.client.create({
      apiVersion: 'flows.knative.dev/v1',
      kind: 'Parallel',
      metadata: { namespace: ns, name: 'par' },
      spec: {
        channelTemplate: kafkaTemplate,
        branches: [{ subscriber: svc('left') }, { subscriber: svc('right') }],
        reply: svc('out'),
      },
    } as KubeObject);
    const par = (await ready(
      sys.client,
      'flows.knative.dev/v1',
      'Parallel',
      ns,
      'par',
      90_000,
    )) as KubeObject & {
      status?: { address?: { url?: string } };
    };
    const url = new URL(par.status?.address?.url ?? '');
    const { headers, body } = eventRequest('p1');
    const res = await post(
      `http://127.0.0.1:${port}/${ns}/${url.hostname.split('-kn-channel')[0]}`,
      headers,
      body,
    );
    expect(res.status).toBe(202);
    await eventually(
      'both replies at "out"',
      async () => (out.events.length >= 2 ? true : undefined),
      60_000,
    );
    expect(ids(out)).toEqual(['p1-left', 'p1-right']);
    const kcs = await sys.client.list({
      apiVersion: 'messaging.knative.dev/v1beta1',
      kind: 'KafkaChannel',
      namespace: ns,
    });
    expect(kcs.items.length).toBe(3);
  }, 150_000);

  it('Channel with a KafkaChannel template fans out to its subscriptions', async () => {
    const ns = await namespace('itest-kflow-ch');
    const a = await recorder(ns, 'a');
    await sys.client.create({
      apiVersion: 'messaging.knative.dev/v1',
      kind: 'Channel',
      metadata: { namespace: ns, name: 'ch' },
      spec: { channelTemplate: kafkaTemplate },
    } as KubeObject);
    await sys.client.create({
      apiVersion: 'messaging.knative.dev/v1',
      kind: 'Subscription',
      metadata: { namespace: ns, name: 'to-a' },
      spec: {
        channel: { apiVersion: 'messaging.knative.dev/v1', kind: 'Channel', name: 'ch' },
        subscriber: svc('a'),
      },
    } as KubeObject);
    await ready(sys.client, 'messaging.knative.dev/v1', 'Subscription', ns, 'to-a', 90_000);
    await ready(sys.client, 'messaging.knative.dev/v1', 'Channel', ns, 'ch');
    const { headers, body } = eventRequest('c1');
    expect((await post(`http://127.0.0.1:${port}/${ns}/ch`, headers, body)).status).toBe(202);
    await eventually(
      'the event at "a"',
      async () => (a.events.length >= 1 ? true : undefined),
      60_000,
    );
    expect(ids(a)).toEqual(['c1']);
  }, 120_000);
});
