import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createKubeClient,
  isNotFound,
  loadKubeConfig,
  type KubeObject,
  type ObjectRef,
} from '@knative-ts/kube';
import { installCrds } from './crds.js';
import { createImcDispatcherStandIn } from './eventing-sandbox.js';
import { kubectl } from './kubectl.js';
import { eventually, localCluster, uniqueName } from './local-cluster.js';
import { startEventing } from './local-eventing.js';

// The built eventing-controller against the real control plane, configured from the chart
// (startEventing without a data plane: the test plays the dispatcher): a Sequence and a
// Parallel get their channels and Subscriptions wired as Knative wires them, follow spec
// changes, and go with their owner through real garbage collection; a PingSource gets its
// sink URI.

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '../fixtures/flows');

const messaging = 'messaging.knative.dev/v1';
const flows = 'flows.knative.dev/v1';
type Condition = { type: string; status: string; reason?: string };
type Obj = KubeObject & {
  spec?: Record<string, unknown> & { subscribers?: Array<{ uid?: string; generation?: number }> };
  status?: Record<string, unknown> & { conditions?: Condition[]; address?: { url?: string } };
};

describe('Sequence, Parallel and PingSource on the real control plane', () => {
  const kubeconfig = localCluster().kubeconfig;
  const client = createKubeClient(loadKubeConfig({ env: { KUBECONFIG: kubeconfig } }));
  const ns = uniqueName('itest-flows');
  let sys: Awaited<ReturnType<typeof startEventing>> | undefined;
  let system = '';

  const ref = (kind: string, name: string, apiVersion = messaging): ObjectRef => ({
    apiVersion,
    kind,
    namespace: ns,
    name,
  });
  const get = (r: ObjectRef) => client.get<Obj>(r);
  const ready = (o: Obj) => o.status?.conditions?.find((c) => c.type === 'Ready');
  const whenReady = (r: ObjectRef) =>
    eventually(`${r.kind} ${r.name} to be Ready`, async () => {
      const o = await get(r);
      return ready(o)?.status === 'True' ? o : undefined;
    });
  const exists = (r: ObjectRef) => eventually(`${r.kind} ${r.name}`, () => get(r));
  const apply = async (file: string) => {
    const out = await kubectl(['apply', '-n', ns, '-f', '-'], {
      input: readFileSync(join(fixtures, file), 'utf8'),
    });
    expect(out.stderr).toBe('');
  };
  const svcUrl = (name: string) => `http://${name}.${ns}.svc.cluster.local`;
  const channelUrl = (name: string) => `http://${name}-kn-channel.${ns}.svc.cluster.local`;
  const imcRef = (name: string) => ({ apiVersion: messaging, kind: 'InMemoryChannel', name });

  beforeAll(async () => {
    await installCrds();
    // The chart's default channel (default-ch-webhook) is InMemoryChannel.
    sys = await startEventing({ prefix: 'itest-sys', dataPlane: [] });
    system = sys.systemNamespace;
    await createImcDispatcherStandIn(client, system);
    await createPingAdapter();
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  }, 120_000);

  afterAll(async () => {
    if (sys) expect(await sys.stop()).toEqual({ 'eventing-controller': 0 });
    await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  });

  it('wires a three-step Sequence through three channels and becomes Ready at channel 0', async () => {
    await apply('sequence.yaml');
    const subs = [];
    for (let i = 0; i < 3; i++) {
      await exists(ref('InMemoryChannel', `sequence-kn-sequence-${i}`));
      subs.push(await exists(ref('Subscription', `sequence-kn-sequence-${i}`)));
    }
    expect(subs.map((s) => s.spec)).toEqual([
      {
        channel: imcRef('sequence-kn-sequence-0'),
        subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name: 'first' } },
        reply: { ref: { ...imcRef('sequence-kn-sequence-1'), namespace: ns } },
      },
      {
        channel: imcRef('sequence-kn-sequence-1'),
        subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name: 'second' } },
        delivery: { retry: 2 },
        reply: { ref: { ...imcRef('sequence-kn-sequence-2'), namespace: ns } },
      },
      {
        channel: imcRef('sequence-kn-sequence-2'),
        subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name: 'third' } },
        reply: { ref: { apiVersion: 'v1', kind: 'Service', name: 'event-display' } },
      },
    ]);
    for (const s of subs) {
      expect(s.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Sequence', controller: true });
    }
    // The imc-dispatcher is not running here: play it, marking each subscriber ready.
    for (let i = 0; i < 3; i++) await markSubscribersReady(`sequence-kn-sequence-${i}`);
    const seq = await whenReady(ref('Sequence', 'sequence', flows));
    expect(seq.status?.address).toEqual({ url: channelUrl('sequence-kn-sequence-0') });
    expect(seq.status?.['channelStatuses']).toHaveLength(3);
    expect(seq.status?.['subscriptionStatuses']).toHaveLength(3);
    const last = await whenReady(ref('Subscription', 'sequence-kn-sequence-2'));
    expect(last.status?.['physicalSubscription']).toEqual({
      subscriberUri: svcUrl('third'),
      replyUri: svcUrl('event-display'),
    });
    const first = await get(ref('Subscription', 'sequence-kn-sequence-0'));
    expect(first.status?.['physicalSubscription']).toEqual({
      subscriberUri: svcUrl('first'),
      replyUri: channelUrl('sequence-kn-sequence-1'),
    });
  });

  it('removes the channel and Subscription of a removed step', async () => {
    const seqRef = ref('Sequence', 'sequence', flows);
    const seq = await get(seqRef);
    const steps = (seq.spec?.['steps'] as unknown[]).slice(0, 2);
    await client.patch(seqRef, { spec: { steps } });
    await eventually('channel 2 to be deleted', () =>
      gone(ref('InMemoryChannel', 'sequence-kn-sequence-2')),
    );
    await eventually('subscription 2 to be deleted', () =>
      gone(ref('Subscription', 'sequence-kn-sequence-2')),
    );
    const sub1 = await eventually('step 1 to reply to spec.reply', async () => {
      const s = await get(ref('Subscription', 'sequence-kn-sequence-1'));
      return (s.spec?.['reply'] as { ref?: { kind?: string } } | undefined)?.ref?.kind === 'Service'
        ? s
        : undefined;
    });
    expect(sub1.spec?.['reply']).toEqual({
      ref: { apiVersion: 'v1', kind: 'Service', name: 'event-display' },
    });
  });

  it('lets garbage collection remove the channels and Subscriptions of a deleted Sequence', async () => {
    await client.delete(ref('Sequence', 'sequence', flows));
    for (let i = 0; i < 2; i++) {
      await eventually(
        `channel ${i} to be collected`,
        () => gone(ref('InMemoryChannel', `sequence-kn-sequence-${i}`)),
        60_000,
      );
      await eventually(
        `subscription ${i} to be collected`,
        () => gone(ref('Subscription', `sequence-kn-sequence-${i}`)),
        60_000,
      );
    }
  }, 130_000);

  it('wires a Parallel: ingress and branch channels, filter and subscriber Subscriptions', async () => {
    await apply('parallel.yaml');
    const p = 'odd-even-parallel';
    for (const name of [`${p}-kn-parallel`, `${p}-kn-parallel-0`, `${p}-kn-parallel-1`]) {
      await exists(ref('InMemoryChannel', name));
    }
    const spec = async (name: string) => (await exists(ref('Subscription', name))).spec;
    const branch = (i: number) => ({ ref: { ...imcRef(`${p}-kn-parallel-${i}`), namespace: ns } });
    const display = { ref: { apiVersion: 'v1', kind: 'Service', name: 'event-display' } };
    expect(await spec(`${p}-kn-parallel-filter-0`)).toEqual({
      channel: imcRef(`${p}-kn-parallel`),
      subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name: 'even-filter' } },
      reply: branch(0),
    });
    expect(await spec(`${p}-kn-parallel-filter-1`)).toEqual({
      channel: imcRef(`${p}-kn-parallel`),
      subscriber: branch(1),
    });
    expect(await spec(`${p}-kn-parallel-0`)).toEqual({
      channel: imcRef(`${p}-kn-parallel-0`),
      subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name: 'even-transformer' } },
      reply: display,
    });
    expect(await spec(`${p}-kn-parallel-1`)).toEqual({
      channel: imcRef(`${p}-kn-parallel-1`),
      subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name: 'odd-transformer' } },
      reply: { uri: 'http://odd-reply.example.com' },
    });
    // The ingress channel carries both branches' filter Subscriptions.
    await markSubscribersReady(`${p}-kn-parallel`, 2);
    await markSubscribersReady(`${p}-kn-parallel-0`);
    await markSubscribersReady(`${p}-kn-parallel-1`);
    const parallel = await whenReady(ref('Parallel', p, flows));
    expect(parallel.status?.address?.url).toBe(channelUrl(`${p}-kn-parallel`));
    expect(parallel.status?.['ingressChannelStatus']).toMatchObject({
      channel: { kind: 'InMemoryChannel', name: `${p}-kn-parallel` },
      ready: { status: 'True' },
    });
    const branches = parallel.status?.['branchStatuses'] as Array<Record<string, unknown>>;
    expect(branches.map((b) => Object.keys(b).sort())).toEqual([
      ['filterChannelStatus', 'filterSubscriptionStatus', 'subscriberSubscriptionStatus'],
      ['filterChannelStatus', 'filterSubscriptionStatus', 'subscriberSubscriptionStatus'],
    ]);
    expect(branches[1]).toMatchObject({
      filterSubscriptionStatus: { subscription: { name: `${p}-kn-parallel-filter-1` } },
      subscriberSubscriptionStatus: { subscription: { name: `${p}-kn-parallel-1` } },
    });
  });

  it('resolves a PingSource sink into sinkUri and advertises its event type and source', async () => {
    await apply('ping-source.yaml');
    const ping = await whenReady(ref('PingSource', 'ping-source', 'sources.knative.dev/v1'));
    expect(ping.status?.['sinkUri']).toBe(svcUrl('event-display'));
    expect(ping.status?.['ceAttributes']).toEqual([
      {
        type: 'dev.knative.sources.ping',
        source: `/apis/v1/namespaces/${ns}/pingsources/ping-source`,
      },
    ]);
  });

  async function gone(r: ObjectRef): Promise<true | undefined> {
    try {
      await client.get(r);
      return undefined;
    } catch (err) {
      if (isNotFound(err)) return true;
      throw err;
    }
  }

  /** Writes what the imc-dispatcher would: every subscriber in spec is ready. */
  /**
   * Plays the dispatcher once `expected` subscribers are in the channel's spec (marking
   * fewer would leave a late Subscription unready for good).
   */
  async function markSubscribersReady(channel: string, expected = 1): Promise<void> {
    const imc = await eventually(`${expected} subscriber(s) in ${channel}`, async () => {
      const c = await get(ref('InMemoryChannel', channel));
      return (c.spec?.subscribers?.length ?? 0) >= expected ? c : undefined;
    });
    const subscribers = (imc.spec?.subscribers ?? []).map((s) => ({
      uid: s.uid,
      observedGeneration: s.generation,
      ready: 'True',
    }));
    const out = await kubectl([
      'patch',
      'inmemorychannel',
      channel,
      '-n',
      ns,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status: { subscribers } }),
    ]);
    expect(out.stderr).toBe('');
  }

  /** The shared ping adapter's Service with a ready endpoint, as it registers itself. */
  async function createPingAdapter(): Promise<void> {
    await client.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { namespace: system, name: 'pingsource-mt-adapter' },
      spec: { ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
    } as KubeObject);
    await client.create({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        namespace: system,
        name: 'pingsource-mt-adapter-local',
        labels: {
          'kubernetes.io/service-name': 'pingsource-mt-adapter',
          'endpointslice.kubernetes.io/managed-by': 'knative-ts-tests',
        },
      },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['192.0.2.11'], conditions: { ready: true } }],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    } as KubeObject);
  }
});
