import { request } from 'node:http';
import { localSlice } from '@knative-ts/delivery/testing';
import { createKubeClient, isNotFound, loadKubeConfig, type KubeObject } from '@knative-ts/kube';
import { startTestService, type TestServiceProcess } from '@knative-ts/test-services/testing';
import { installedChannelKinds, type ChannelKind } from './channel-kinds.js';
import { installCrds } from './crds.js';
import { loadExample, localServices } from './examples.js';
import { eventually, localCluster, uniqueName } from './local-cluster.js';
import { startLocalEventing, type LocalEventing } from './local-eventing.js';

// The classic Knative scenarios of deploy/examples, end to end in local mode: the built
// controller and data plane as processes with LOCAL_MODE=true, configured from the chart
// (startLocalEventing), the examples' test services
// as local processes registered for their Services (FQDN EndpointSlices at 127.0.0.1), and
// the example YAML applied unchanged but for the namespace, a seconds schedule and the
// Deployments (replaced by those local processes).

const SECONDS_SCHEDULE = '*/2 * * * * *';
/**
 * The Parallel filters of the example decide on the event time's minute; with a tick every
 * 2 s that alternates once a minute. Locally the filters decide on 2-second slots instead,
 * so consecutive ticks alternate; the test checks each reply against that same expression.
 */
const slot = (time: string) => Math.round(Date.parse(time) / 2000) % 2;
const PARALLEL_FILTERS: Record<string, string> = {
  'even-filter': 'Math.round(Date.parse(event.time) / 2000) % 2 === 0',
  'odd-filter': 'Math.round(Date.parse(event.time) / 2000) % 2 !== 0',
};

type Event = Record<string, unknown> & { data?: { message?: string } };
type Status = { status?: { conditions?: Array<{ type: string; status: string }> } };

/** POST a binary-mode event to a local port with any Host header (fetch forbids setting it). */
function postEvent(port: number, path: string, host: string, type: string, id: string) {
  const headers = {
    host,
    'content-type': 'application/json',
    'ce-specversion': '1.0',
    'ce-id': id,
    'ce-source': '/itest/scenarios',
    'ce-type': type,
  };
  return new Promise<number>((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
      res.resume();
      res.on('end', () => ok(res.statusCode ?? 0));
    });
    req.on('error', fail);
    req.end('{"from":"test"}');
  });
}

describe('Knative scenarios in local mode', () => {
  const cluster = localCluster();
  const client = createKubeClient(loadKubeConfig({ env: { KUBECONFIG: cluster.kubeconfig } }));
  let sys: LocalEventing;
  const namespaces: string[] = [];
  const services: TestServiceProcess[] = [];
  const channelKinds = installedChannelKinds();

  const ready = (
    apiVersion: string,
    kind: string,
    namespace: string,
    name: string,
    timeoutMs = 60_000,
  ) => {
    let last: unknown;
    return eventually(
      `${kind} ${namespace}/${name} Ready`,
      async () => {
        const o = await client.get<KubeObject & Status>({ apiVersion, kind, namespace, name });
        last = o.status;
        return (
          o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') || undefined
        );
      },
      timeoutMs,
    ).catch((err: unknown) => {
      // The conditions say which part is not ready: keep them in the failure.
      throw new Error(`${(err as Error).message}; last status: ${JSON.stringify(last)}`);
    });
  };

  /**
   * Runs the example's test services locally, then applies the rest of its YAML in `ns`;
   * `channelTemplate`, when given, replaces the Sequence's (the only change a user makes to
   * swap the channel provisioner).
   */
  async function runExample(
    folder: string,
    filters: Record<string, string> = {},
    channelTemplate?: { apiVersion: string; kind: string },
  ) {
    const ns = uniqueName(`itest-${folder}`);
    namespaces.push(ns);
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const objects = loadExample(folder);
    const displays: Record<string, TestServiceProcess> = {};
    for (const local of localServices(objects)) {
      const env = { ...local.env, ...(filters[local.name] && { FILTER: filters[local.name] }) };
      const proc = await startTestService(local.service, env);
      services.push(proc);
      displays[local.name] = proc;
      await client.create(localSlice(local.name, ns, proc.port));
    }
    for (const obj of objects) {
      if (obj.kind === 'Deployment') continue;
      const spec = (obj as { spec?: Record<string, unknown> }).spec;
      const withSchedule =
        obj.kind === 'PingSource' ? { spec: { ...spec, schedule: SECONDS_SCHEDULE } } : {};
      const withTemplate =
        obj.kind === 'Sequence' && channelTemplate ? { spec: { ...spec, channelTemplate } } : {};
      await client.create({
        ...obj,
        ...withSchedule,
        ...withTemplate,
        metadata: { ...obj.metadata, namespace: ns },
      });
    }
    return { ns, displays };
  }

  beforeAll(async () => {
    await installCrds();
    // Every app from the chart (local-eventing.ts): the durable dispatchers beside
    // imc-dispatcher, and ping-adapter for the examples' PingSources.
    sys = await startLocalEventing({
      prefix: 'itest-scn-sys',
      channelApps: channelKinds
        .filter((k) => k.app !== 'imc-dispatcher')
        .map(({ app, service }) => ({ app, service })),
      pingAdapter: true,
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    for (const name of namespaces) {
      await client.delete({ apiVersion: 'v1', kind: 'Namespace', name }).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    }
    await sys?.stop();
  }, 60_000);

  it('serves at least the in-memory channel', () => {
    expect(channelKinds.map((k) => k.kind)).toContain('InMemoryChannel');
  });

  it.each(channelKinds.map((k): [string, ChannelKind] => [k.kind, k]))(
    'sequence over %s: three appenders, then the display shows the whole message',
    async (_kind, channel) => {
      const { ns, displays } = await runExample(
        'sequence',
        {},
        {
          apiVersion: channel.apiVersion,
          kind: channel.kind,
        },
      );
      const display = displays['event-display'] as TestServiceProcess;
      // Ready first: a durable channel's subscriber is ready only once its consumer
      // consumes (a Kafka group join can take tens of seconds on a loaded machine), and a
      // new consumer starts at the end of its topic, so ticks before that are not replayed.
      await ready('flows.knative.dev/v1', 'Sequence', ns, 'sequence', 120_000);
      const event = await eventually(
        'the sequence reply at the display',
        async () =>
          ((await display.events()) as Event[]).find((e) => e.data?.message !== undefined),
        60_000,
      );
      expect(event).toMatchObject({
        type: 'dev.knative.sources.ping',
        source: `/apis/v1/namespaces/${ns}/pingsources/ping-source`,
        data: { message: 'hello, world! - Handled by 0 - Handled by 1 - Handled by 2' },
      });
      // The steps ran over channels of the kind the template named, and only that changed.
      const first = { ...channel, namespace: ns, name: 'sequence-kn-sequence-0' };
      await expect(client.get(first)).resolves.toMatchObject({ kind: channel.kind });
    },
    200_000,
  );

  it('parallel: even and odd ticks take their own branch, alternating', async () => {
    const { displays } = await runExample('parallel', PARALLEL_FILTERS);
    const display = displays['event-display'] as TestServiceProcess;
    const events = await eventually(
      'replies from both branches',
      async () => {
        const got = (await display.events()) as Event[];
        const messages = new Set(got.map((e) => e.data?.message));
        return messages.has('this is even!') && messages.has('this is odd!') && got.length >= 3
          ? got
          : undefined;
      },
      60_000,
    );
    const byTime = [...events].sort((a, b) => String(a['time']).localeCompare(String(b['time'])));
    for (const e of byTime) {
      expect(e.data?.message).toBe(
        slot(String(e['time'])) === 0 ? 'this is even!' : 'this is odd!',
      );
    }
    // One reply per tick: consecutive ticks (2 s apart) alternate between the branches.
    const times = byTime.map((e) => String(e['time']));
    expect(new Set(times).size).toBe(times.length);
  }, 90_000);

  it('channel fan-out: both displays get the event', async () => {
    const { ns, displays } = await runExample('channel-fanout');
    await ready('messaging.knative.dev/v1', 'Channel', ns, 'fanout');
    for (const sub of ['to-display-a', 'to-display-b']) {
      await ready('messaging.knative.dev/v1', 'Subscription', ns, sub);
    }
    const host = `fanout-kn-channel.${ns}.svc.cluster.local`;
    expect(
      await postEvent(sys.ports['imc-dispatcher'], '/', host, 'dev.example.hello', 'fan-1'),
    ).toBe(202);
    for (const name of ['display-a', 'display-b']) {
      const got = await (displays[name] as TestServiceProcess).events();
      expect(got.map((e) => e['id'])).toEqual(['fan-1']);
    }
  }, 90_000);

  it('broker and triggers: the type filter lets only greetings through', async () => {
    const { ns, displays } = await runExample('broker-trigger');
    await ready('eventing.knative.dev/v1', 'Broker', ns, 'default');
    for (const trigger of ['all-events', 'greetings-only']) {
      await ready('eventing.knative.dev/v1', 'Trigger', ns, trigger);
    }
    const ingress = sys.ports['broker-ingress'];
    const host = `broker-ingress.${sys.systemNamespace}.svc.cluster.local`;
    for (const type of ['dev.example.greeting', 'dev.example.farewell']) {
      expect(await postEvent(ingress, `/${ns}/default`, host, type, type)).toBe(202);
    }
    const all = displays['display-all'] as TestServiceProcess;
    const greetings = displays['display-greetings'] as TestServiceProcess;
    const ids = async (d: TestServiceProcess) => (await d.events()).map((e) => e['id']).sort();
    await eventually(
      'both events at display-all',
      async () => (await ids(all)).length === 2 || undefined,
    );
    expect(await ids(all)).toEqual(['dev.example.farewell', 'dev.example.greeting']);
    expect(await ids(greetings)).toEqual(['dev.example.greeting']);
  }, 90_000);
});
