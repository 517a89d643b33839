import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEventServer, type EventServer } from '@knative-ts/delivery/testing';
import { isNotFound, type KubeObject, type ObjectRef } from '@knative-ts/kube';
import { startAppProcess } from '@knative-ts/runtime/testing';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { installCrds } from './crds.js';
import { kubectl } from './kubectl.js';
import { eventually, localCluster, uniqueName } from './local-cluster.js';
import { post, startLocalEventing, type LocalEventing } from './local-eventing.js';

// What only a JetStream channel does, against the real NATS JetStream of the local control
// plane: the stream lives and dies with the channel, stream.config is what JetStream
// holds, one durable consumer per subscription, a producer's duplicate is stored once, a
// config JetStream refuses shows on the channel with JetStream's words, and Knative's
// NatsJetStreamChannel example works unchanged.

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const v1alpha1 = 'messaging.knative.dev/v1alpha1';
const dispatcher = 'natss-channel-dispatcher';

type Channel = KubeObject & {
  spec?: Record<string, unknown> & { subscribers?: Array<{ uid: string }> };
  status?: {
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
    subscribers?: Array<{ uid?: string; ready?: string }>;
  };
};
type Event = KubeObject & {
  reason?: string;
  type?: string;
  message?: string;
  involvedObject?: { name?: string };
};

const event = (id: string) => ({
  'content-type': 'text/plain',
  'ce-specversion': '1.0',
  'ce-id': id,
  'ce-source': '/itest/natss',
  'ce-type': 'dev.knative-ts.natss',
});

describe('NatssChannel on the real NATS JetStream', () => {
  let eventing: LocalEventing;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let port = 0;
  const ns = uniqueName('itest-natss');
  const servers: EventServer[] = [];
  const streamName = (name: string) => `KN_${ns}__${name}`.toUpperCase().replace(/-/g, '_');
  const ref = (name: string, kind = 'NatssChannel', namespace = ns): ObjectRef => ({
    apiVersion: v1alpha1,
    kind,
    namespace,
    name,
  });
  const condition = (c: Channel, type: string) =>
    c.status?.conditions?.find((x) => x.type === type);
  const createChannel = (name: string, spec: Record<string, unknown> = {}) =>
    eventing.client.create({
      apiVersion: v1alpha1,
      kind: 'NatssChannel',
      metadata: { namespace: ns, name },
      spec,
    } as KubeObject);
  const whenReady = (r: ObjectRef) =>
    eventually(
      `${r.kind} ${r.name} Ready`,
      async () => {
        const c = await eventing.client.get<Channel>(r);
        return condition(c, 'Ready')?.status === 'True' ? c : undefined;
      },
      60_000,
    );
  /** The durable consumer of Subscription `name`: `KN_SUB_<UID>` (eventing-natss naming). */
  const consumerOf = async (name: string) => {
    const sub = await eventing.client.get<KubeObject>({
      apiVersion: 'messaging.knative.dev/v1',
      kind: 'Subscription',
      namespace: ns,
      name,
    });
    return `KN_SUB_${(sub.metadata?.uid ?? '').replace(/-/g, '').toUpperCase()}`;
  };
  const subscribe = (
    name: string,
    channel: string,
    spec: Record<string, unknown>,
    kind = 'NatssChannel',
    namespace = ns,
  ) =>
    eventing.client.create({
      apiVersion: 'messaging.knative.dev/v1',
      kind: 'Subscription',
      metadata: { namespace, name },
      spec: { channel: { apiVersion: v1alpha1, kind, name: channel }, ...spec },
    } as KubeObject);
  const streamInfo = (name: string) => jsm.streams.info(name);
  const warningEvent = (name: string, reason: string, namespace = ns) =>
    eventually(`a ${reason} Warning Event on ${name}`, async () => {
      const { items } = await eventing.client.list<Event>({
        apiVersion: 'v1',
        kind: 'Event',
        namespace,
      });
      return items.find(
        (e) => e.involvedObject?.name === name && e.reason === reason && e.type === 'Warning',
      );
    });

  beforeAll(async () => {
    await installCrds();
    eventing = await startLocalEventing({
      prefix: 'itest-natss-sys',
      channelApps: [{ app: dispatcher, service: dispatcher }],
    });
    port = eventing.channelApps[dispatcher]?.port ?? 0;
    nc = await connect({ servers: localCluster().natsUrl });
    jsm = await jetstreamManager(nc);
    await eventing.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await eventing.client
      .delete({ apiVersion: 'v1', kind: 'Namespace', name: ns })
      .catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    await eventing?.stop();
    await nc?.drain();
  }, 60_000);

  it('creates the stream with the channel and deletes it with the channel', async () => {
    await createChannel('life');
    const channel = await whenReady(ref('life'));
    expect(channel.status).toMatchObject({
      address: { url: `http://life-kn-channel.${ns}.svc.cluster.local` },
    });
    expect(condition(channel, 'StreamReady')?.status).toBe('True');
    const info = await streamInfo(streamName('life'));
    expect(info.config).toMatchObject({
      subjects: [`${ns}.life._knative`],
      storage: 'file',
      retention: 'limits',
    });
    const svc = await eventing.client.get<KubeObject & { spec?: { externalName?: string } }>({
      apiVersion: 'v1',
      kind: 'Service',
      namespace: ns,
      name: 'life-kn-channel',
    });
    expect(svc.spec?.externalName).toBe(
      `${dispatcher}.${eventing.systemNamespace}.svc.cluster.local`,
    );

    await eventing.client.delete(ref('life'));
    await eventually('the stream to be deleted', async () => {
      try {
        await streamInfo(streamName('life'));
        return undefined;
      } catch (err) {
        return /stream not found/.test((err as Error).message) ? true : undefined;
      }
    });
    await eventually('the channel to be gone', async () => {
      try {
        await eventing.client.get(ref('life'));
        return undefined;
      } catch (err) {
        return isNotFound(err) ? true : undefined;
      }
    });
  });

  it('gives the stream the channel’s stream.config, and follows changes to it', async () => {
    await createChannel('configured', {
      stream: {
        config: {
          additionalSubjects: [`legacy.${ns}`],
          retention: 'Limits',
          maxAge: '1h',
          maxMsgs: 500,
          maxBytes: 1048576,
          maxMsgSize: 65536,
          discard: 'New',
          storage: 'Memory',
          duplicateWindow: '30s',
          maxConsumers: 8,
        },
      },
    });
    await whenReady(ref('configured'));
    const { config } = await streamInfo(streamName('configured'));
    expect(config).toMatchObject({
      subjects: [`${ns}.configured._knative`, `legacy.${ns}`],
      retention: 'limits',
      max_age: 3_600_000_000_000,
      max_msgs: 500,
      max_bytes: 1048576,
      max_msg_size: 65536,
      discard: 'new',
      storage: 'memory',
      duplicate_window: 30_000_000_000,
      max_consumers: 8,
      num_replicas: 1,
    });

    const current = await eventing.client.get<Channel>(ref('configured'));
    const spec = current.spec as { stream: { config: Record<string, unknown> } };
    spec.stream.config['maxMsgs'] = 1000;
    await eventing.client.update(current);
    const updated = await eventually('max_msgs 1000 on the stream', async () => {
      const info = await streamInfo(streamName('configured'));
      return info.config.max_msgs === 1000 ? info.config : undefined;
    });
    expect(updated.max_bytes).toBe(1048576);
  });

  it('creates one durable consumer KN_SUB_<UID> per subscription and removes it with the subscription', async () => {
    const a = await startEventServer();
    const b = await startEventServer();
    servers.push(a, b);
    await createChannel('fanout');
    await subscribe('to-a', 'fanout', {
      subscriber: { uri: a.url },
      delivery: { timeout: 'PT2S', retry: 2 },
    });
    await subscribe('to-b', 'fanout', { subscriber: { uri: b.url } });
    const channel = await eventually('two ready subscribers', async () => {
      const c = await eventing.client.get<Channel>(ref('fanout'));
      const subs = c.status?.subscribers ?? [];
      return subs.length === 2 && subs.every((s) => s.ready === 'True') ? c : undefined;
    });
    const uids = (channel.spec?.subscribers ?? []).map((s) => s.uid);
    const want = uids.map((uid) => `KN_SUB_${uid.replace(/-/g, '').toUpperCase()}`).sort();
    const consumers = async () => {
      const names: string[] = [];
      for await (const c of jsm.consumers.list(streamName('fanout'))) names.push(c.name);
      return names.sort();
    };
    expect(await consumers()).toEqual(want);
    // spec.subscribers is in the order the Subscriptions were reconciled, not created.
    const toA = await consumerOf('to-a');
    const info = await jsm.consumers.info(streamName('fanout'), toA);
    // AckWait = delivery timeout + 500 ms (eventing-natss); redelivery is never capped.
    expect(info.config).toMatchObject({
      durable_name: toA,
      ack_policy: 'explicit',
      ack_wait: 2_500_000_000,
      max_deliver: -1,
    });

    expect(
      (await post(`http://127.0.0.1:${port}/${ns}/fanout`, event('fan-1'), 'hello')).status,
    ).toBe(202);
    for (const s of [a, b]) {
      const got = await eventually('the event at both subscribers', async () => s.requests[0]);
      expect(got.headers['ce-id']).toBe('fan-1');
    }

    await eventing.client.delete({
      apiVersion: 'messaging.knative.dev/v1',
      kind: 'Subscription',
      namespace: ns,
      name: 'to-b',
    });
    await eventually('only the to-a consumer left', async () => {
      const names = await consumers();
      return names.length === 1 && names[0] === toA ? true : undefined;
    });
  });

  it('retries through JetStream: a failed attempt is NAKed with the backoff delay and redelivered', async () => {
    const flaky = await startEventServer((_req, i) => ({ status: i < 2 ? 503 : 202 }));
    servers.push(flaky);
    await createChannel('retrying');
    await subscribe('to-flaky', 'retrying', {
      subscriber: { uri: flaky.url },
      delivery: { retry: 2, backoffPolicy: 'exponential', backoffDelay: 'PT0.5S' },
    });
    await eventually('the subscriber ready', async () => {
      const c = await eventing.client.get<Channel>(ref('retrying'));
      return c.status?.subscribers?.[0]?.ready === 'True' || undefined;
    });
    const started = Date.now();
    expect(
      (await post(`http://127.0.0.1:${port}/${ns}/retrying`, event('retry-1'), 'x')).status,
    ).toBe(202);
    await eventually('the third attempt accepted', async () =>
      flaky.requests.length >= 3 ? true : undefined,
    );
    // 500 ms, then 1 s, between the attempts: at least 1.5 s in all.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500 - 30);
    const consumer = await consumerOf('to-flaky');
    // Three deliveries of the one message by JetStream (not one delivery retried in the
    // dispatcher's memory), and then acked.
    const info = await eventually('the message acked', async () => {
      const i = await jsm.consumers.info(streamName('retrying'), consumer);
      return i.num_ack_pending === 0 ? i : undefined;
    });
    expect(info.delivered.consumer_seq).toBe(3);
    expect(info.ack_floor.stream_seq).toBe(1);
    expect(flaky.requests).toHaveLength(3);
  });

  it('shares a subscription’s consumer between dispatcher replicas, each event delivered once', async () => {
    const sink = await startEventServer();
    servers.push(sink);
    const second = await startAppProcess(
      join(repo, 'apps', dispatcher, 'dist/main.js'),
      {
        KUBECONFIG: eventing.kubeconfig,
        SYSTEM_NAMESPACE: eventing.systemNamespace,
        LOCAL_MODE: 'true',
        HTTP_PORT: '0',
        LOG_LEVEL: 'info',
      },
      { startTimeoutMs: 30_000 },
    );
    try {
      await createChannel('shared');
      await subscribe('to-shared', 'shared', { subscriber: { uri: sink.url } });
      await eventually('the subscriber ready', async () => {
        const c = await eventing.client.get<Channel>(ref('shared'));
        return c.status?.subscribers?.[0]?.ready === 'True' || undefined;
      });
      const url = `http://127.0.0.1:${port}/${ns}/shared`;
      const ids = Array.from({ length: 300 }, (_, i) => `shared-${i}`);
      for (let i = 0; i < ids.length; i += 20) {
        const batch = ids.slice(i, i + 20).map((id) => post(url, event(id), id));
        for (const res of await Promise.all(batch)) expect(res.status).toBe(202);
      }
      await eventually('every event at the subscriber', async () =>
        sink.requests.length >= ids.length ? true : undefined,
      );
      const delivered = async (adminPort: number) => {
        const text = await (await fetch(`http://127.0.0.1:${adminPort}/metrics`)).text();
        return text
          .split('\n')
          .filter(
            (l) =>
              l.startsWith('jetstream_channel_dispatcher_event_count{') &&
              l.includes(`namespace_name="${ns}"`),
          )
          .filter((l) => l.includes('response_code="202"'))
          .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
      };
      const first = eventing.channelApps[dispatcher]?.process.port ?? 0;
      const counts = [await delivered(first), await delivered(second.port)];
      expect(counts.every((c) => c > 0)).toBe(true);
      expect(counts[0]! + counts[1]!).toBeGreaterThanOrEqual(ids.length);
      expect(new Set(sink.requests.map((r) => r.headers['ce-id'])).size).toBe(ids.length);
    } finally {
      await second.stop('SIGTERM', 15_000);
    }
  });

  it('stores a producer’s retry of the same source and id once, within the duplicate window', async () => {
    const sink = await startEventServer();
    servers.push(sink);
    await createChannel('dedup', { stream: { config: { duplicateWindow: '2m' } } });
    await subscribe('to-sink', 'dedup', { subscriber: { uri: sink.url } });
    await whenReady(ref('dedup'));
    const url = `http://127.0.0.1:${port}/${ns}/dedup`;
    for (let i = 0; i < 3; i++)
      expect((await post(url, event('same'), `try ${i}`)).status).toBe(202);
    expect((await post(url, event('other'), 'x')).status).toBe(202);
    const info = await streamInfo(streamName('dedup'));
    expect(info.state.messages).toBe(2);
    await eventually('both distinct events delivered', async () =>
      sink.requests.length >= 2 ? true : undefined,
    );
    // The stored copy is the first one the producer sent.
    const same = sink.requests.filter((r) => r.headers['ce-id'] === 'same');
    expect(same.map((r) => Buffer.from(r.body).toString())).toEqual(['try 0']);
  });

  it('reports a stream config JetStream refuses on the channel, with JetStream’s reason and an Event', async () => {
    await createChannel('refused', { stream: { config: { replicas: 3 } } });
    const stream = await eventually('StreamReady False', async () => {
      const c = await eventing.client.get<Channel>(ref('refused'));
      const s = condition(c, 'StreamReady');
      return s?.status === 'False' ? { stream: s, ready: condition(c, 'Ready') } : undefined;
    });
    expect(stream.stream.reason).toBe('DispatcherCreateStreamFailed');
    expect(stream.stream.message).toContain('replicas > 1 not supported in non-clustered mode');
    expect(stream.ready).toMatchObject({ status: 'False', reason: 'DispatcherCreateStreamFailed' });
    const warning = await warningEvent('refused', 'JetstreamStreamFailed');
    expect(warning.message).toContain('replicas > 1 not supported in non-clustered mode');

    // An update JetStream cannot make to a stream that exists: its storage type.
    await createChannel('restore');
    await whenReady(ref('restore'));
    const current = await eventing.client.get<Channel>(ref('restore'));
    await eventing.client.update({
      ...current,
      spec: { ...current.spec, stream: { config: { storage: 'Memory' } } },
    });
    const refused = await eventually('StreamReady False after the update', async () => {
      const s = condition(await eventing.client.get<Channel>(ref('restore')), 'StreamReady');
      return s?.status === 'False' ? s : undefined;
    });
    expect(refused.message).toContain('can not change storage type');
  });

  it('backs a Broker whose config names NatssChannel as its channel template', async () => {
    const sink = await startEventServer();
    servers.push(sink);
    await eventing.client.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { namespace: ns, name: 'jetstream-broker' },
      data: { 'channel-template-spec': `apiVersion: ${v1alpha1}\nkind: NatssChannel\n` },
    } as KubeObject);
    await eventing.client.create({
      apiVersion: 'eventing.knative.dev/v1',
      kind: 'Broker',
      metadata: {
        namespace: ns,
        name: 'js',
        annotations: { 'eventing.knative.dev/broker.class': 'MTChannelBasedBroker' },
      },
      spec: {
        config: { apiVersion: 'v1', kind: 'ConfigMap', name: 'jetstream-broker', namespace: ns },
      },
    } as KubeObject);
    await eventing.client.create({
      apiVersion: 'eventing.knative.dev/v1',
      kind: 'Trigger',
      metadata: { namespace: ns, name: 'js-all' },
      spec: { broker: 'js', subscriber: { uri: sink.url } },
    } as KubeObject);
    await whenReady({
      apiVersion: 'eventing.knative.dev/v1',
      kind: 'Trigger',
      namespace: ns,
      name: 'js-all',
    });
    // The broker's trigger channel is a NatssChannel with its own stream.
    await whenReady(ref('js-kne-trigger'));
    await streamInfo(streamName('js-kne-trigger'));
    expect((await post(eventing.brokerUrl(ns, 'js'), event('via-broker'), 'b')).status).toBe(202);
    const got = await eventually('the event through the broker', async () => sink.requests[0]);
    expect(got.headers['ce-id']).toBe('via-broker');
  });

  it('runs a Parallel over NatssChannels chosen by channelTemplate', async () => {
    const even = await startEventServer();
    const odd = await startEventServer();
    servers.push(even, odd);
    await eventing.client.create({
      apiVersion: 'flows.knative.dev/v1',
      kind: 'Parallel',
      metadata: { namespace: ns, name: 'par' },
      spec: {
        channelTemplate: { apiVersion: v1alpha1, kind: 'NatssChannel' },
        branches: [{ subscriber: { uri: even.url } }, { subscriber: { uri: odd.url } }],
      },
    } as KubeObject);
    await whenReady({
      apiVersion: 'flows.knative.dev/v1',
      kind: 'Parallel',
      namespace: ns,
      name: 'par',
    });
    const host = `par-kn-parallel-kn-channel.${ns}.svc.cluster.local`;
    expect((await post(`http://127.0.0.1:${port}/`, { ...event('par-1'), host }, 'p')).status).toBe(
      202,
    );
    for (const s of [even, odd]) {
      const got = await eventually('the event in both branches', async () => s.requests[0]);
      expect(got.headers['ce-id']).toBe('par-1');
    }
    await streamInfo(streamName('par-kn-parallel-0'));
  });

  it('applies Knative’s NatsJetStreamChannel example unchanged and delivers through it', async () => {
    const knative = 'knative-eventing';
    await eventing.client
      .create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: knative } })
      .catch(() => undefined);
    const yaml = readFileSync(
      join(repo, 'deploy/examples/natsjetstream-channel/channel.yaml'),
      'utf8',
    );
    const applied = await kubectl(['apply', '-f', '-'], { input: yaml });
    expect(applied.code).toBe(0);
    try {
      await whenReady(ref('channel-defaults', 'NatsJetStreamChannel', knative));
      const info = await streamInfo('KN_KNATIVE_EVENTING__CHANNEL_DEFAULTS');
      expect(info.config.subjects).toEqual(['knative-eventing.channel-defaults._knative']);
      const listed = await kubectl(['get', 'natsjsmc', '-n', knative, 'channel-defaults']);
      expect(listed.stdout).toMatch(
        /channel-defaults\s+True\s+http:\/\/channel-defaults-kn-channel\.knative-eventing\.svc\.cluster\.local/,
      );

      const sink = await startEventServer();
      servers.push(sink);
      await subscribe(
        'itest-to-sink',
        'channel-defaults',
        { subscriber: { uri: sink.url } },
        'NatsJetStreamChannel',
        knative,
      );
      await eventually('the subscriber ready', async () => {
        const c = await eventing.client.get<Channel>(
          ref('channel-defaults', 'NatsJetStreamChannel', knative),
        );
        return c.status?.subscribers?.[0]?.ready === 'True' || undefined;
      });
      const host = 'channel-defaults-kn-channel.knative-eventing.svc.cluster.local';
      expect(
        (await post(`http://127.0.0.1:${port}/`, { ...event('example-1'), host }, 'hi')).status,
      ).toBe(202);
      const got = await eventually('the event at the subscriber', async () => sink.requests[0]);
      expect(got.headers['ce-id']).toBe('example-1');
    } finally {
      await eventing.client
        .delete({
          apiVersion: 'messaging.knative.dev/v1',
          kind: 'Subscription',
          namespace: knative,
          name: 'itest-to-sink',
        })
        .catch(() => undefined);
      await eventing.client.delete(ref('channel-defaults', 'NatsJetStreamChannel', knative));
      await eventually('the example stream deleted', async () => {
        try {
          await streamInfo('KN_KNATIVE_EVENTING__CHANNEL_DEFAULTS');
          return undefined;
        } catch {
          return true;
        }
      });
    }
  });
});
