import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createKubeClient,
  isNotFound,
  loadKubeConfig,
  type KubeClient,
  type KubeObject,
  type ObjectRef,
} from '@knative-ts/kube';
import { startAppProcess, type AppProcess } from '@knative-ts/runtime/testing';
import { installCrds } from './crds.js';
import { createSystemNamespace } from './eventing-sandbox.js';
import { kubectl } from './kubectl.js';
import { eventually, localCluster, uniqueName } from './local-cluster.js';

// The built eventing-controller against the real control plane: Brokers get their
// defaults, trigger channel and ingress address; Triggers get a Subscription to
// broker-filter that replies to the Broker; the channel kind follows the broker's config;
// bad CESQL is reported on the Trigger; garbage collection removes the trigger channel.
// No data plane runs here: the test plays the imc-dispatcher marking subscribers ready.

const here = dirname(fileURLToPath(import.meta.url));
const main = join(resolve(here, '../../..'), 'apps/eventing-controller/dist/main.js');

const eventing = 'eventing.knative.dev/v1';
const messaging = 'messaging.knative.dev/v1';
type Cond = { type: string; status: string; reason?: string; message?: string };
type Obj = KubeObject & {
  spec?: Record<string, unknown> & { subscribers?: Array<{ uid?: string; generation?: number }> };
  status?: Record<string, unknown> & { conditions?: Cond[]; annotations?: Record<string, string> };
};

/** The shared broker data plane as a cluster has it: Services with a ready endpoint each. */
async function createBrokerDataPlane(client: KubeClient, namespace: string): Promise<void> {
  for (const name of ['broker-ingress', 'broker-filter']) {
    await client.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { namespace, name },
      spec: { ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
    } as KubeObject);
    await client.create({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        namespace,
        name: `${name}-local`,
        labels: {
          'kubernetes.io/service-name': name,
          'endpointslice.kubernetes.io/managed-by': 'knative-ts-tests',
        },
      },
      addressType: 'IPv4',
      // TEST-NET-1 address: the API server refuses loopback endpoints.
      endpoints: [{ addresses: ['192.0.2.11'], conditions: { ready: true } }],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    } as KubeObject);
  }
}

const configMap = (namespace: string, name: string, data: Record<string, string>): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace, name }, data }) as KubeObject;

describe('brokers and triggers on the real control plane', () => {
  const kubeconfig = localCluster().kubeconfig;
  const client = createKubeClient(loadKubeConfig({ env: { KUBECONFIG: kubeconfig } }));
  const system = uniqueName('itest-brsys');
  const ns = uniqueName('itest-br');
  let controller: AppProcess | undefined;

  const ref = (kind: string, name: string, apiVersion = eventing): ObjectRef => ({
    apiVersion,
    kind,
    namespace: ns,
    name,
  });
  const get = (r: ObjectRef) => client.get<Obj>(r);
  const cond = (o: Obj, type = 'Ready') => o.status?.conditions?.find((c) => c.type === type);
  const whenReady = (r: ObjectRef) =>
    eventually(`${r.kind} ${r.name} to be Ready`, async () => {
      const o = await get(r);
      return cond(o)?.status === 'True' ? o : undefined;
    });
  const create = (
    kind: string,
    name: string,
    spec: Record<string, unknown>,
    apiVersion = eventing,
  ) => client.create<Obj>({ apiVersion, kind, metadata: { namespace: ns, name }, spec });
  const subscriptionOf = (trigger: string) =>
    eventually(`the Subscription of trigger ${trigger}`, async () => {
      const { items } = await client.list<Obj>(
        { apiVersion: messaging, kind: 'Subscription', namespace: ns },
        { labelSelector: `eventing.knative.dev/trigger=${trigger}` },
      );
      return items[0];
    });

  beforeAll(async () => {
    await installCrds();
    await createSystemNamespace(
      client,
      system,
      'clusterDefault:\n  apiVersion: messaging.knative.dev/v1\n  kind: InMemoryChannel',
    );
    await createBrokerDataPlane(client, system);
    await client.create(
      configMap(system, 'config-br-defaults', {
        'default-br-config': [
          'clusterDefault:',
          '  brokerClass: MTChannelBasedBroker',
          '  apiVersion: v1',
          '  kind: ConfigMap',
          '  name: config-br-default-channel',
          `  namespace: ${system}`,
          '  delivery:',
          '    retry: 10',
          '    backoffPolicy: exponential',
          '    backoffDelay: PT0.2S',
        ].join('\n'),
      }),
    );
    await client.create(
      configMap(system, 'config-br-default-channel', {
        'channel-template-spec': 'apiVersion: messaging.knative.dev/v1\nkind: InMemoryChannel',
      }),
    );
    await client.create(
      configMap(system, 'kafka-channel', {
        'channel-template-spec':
          'apiVersion: messaging.knative.dev/v1beta1\nkind: KafkaChannel\nspec:\n  numPartitions: 3\n  replicationFactor: 1',
      }),
    );
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    controller = await startAppProcess(
      main,
      { SYSTEM_NAMESPACE: system, KUBECONFIG: kubeconfig, LOG_LEVEL: 'info' },
      { startTimeoutMs: 20_000 },
    );
    const port = controller.port;
    await eventually('the controller to lead and be ready', async () =>
      (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200 ? true : undefined,
    );
  });

  afterAll(async () => {
    if (controller) expect(await controller.stop('SIGTERM', 10_000)).toBe(0);
    for (const name of [ns, system]) {
      await client.delete({ apiVersion: 'v1', kind: 'Namespace', name }).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    }
  });

  it('defaults a bare Broker and makes it Ready behind broker-ingress with an IMC trigger channel', async () => {
    await create('Broker', 'default', {});
    const broker = await whenReady(ref('Broker', 'default'));
    expect(broker.metadata.annotations?.['eventing.knative.dev/broker.class']).toBe(
      'MTChannelBasedBroker',
    );
    expect(broker.spec).toEqual({
      config: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        name: 'config-br-default-channel',
        namespace: system,
      },
      delivery: { retry: 10, backoffPolicy: 'exponential', backoffDelay: 'PT0.2S' },
    });
    const url = `http://broker-ingress.${system}.svc.cluster.local/${ns}/default`;
    expect(broker.status?.['address']).toEqual({ name: 'http', url });
    const channel = await whenReady(ref('InMemoryChannel', 'default-kne-trigger', messaging));
    expect(channel.metadata.labels).toMatchObject({
      'eventing.knative.dev/broker': 'default',
      'eventing.knative.dev/brokerEverything': 'true',
    });
    expect(channel.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'Broker',
      name: 'default',
    });
    expect(broker.status?.annotations?.['knative.dev/channelAddress']).toBe(
      `http://default-kne-trigger-kn-channel.${ns}.svc.cluster.local`,
    );
    for (const type of ['IngressReady', 'FilterReady', 'TriggerChannelReady', 'Addressable']) {
      expect(cond(broker, type)?.status).toBe('True');
    }
  });

  it('subscribes a Trigger through broker-filter with the Broker as reply and its delivery', async () => {
    const trigger = await create('Trigger', 'all', {
      broker: 'default',
      subscriber: { uri: 'http://sink.example.com/' },
    });
    const sub = await subscriptionOf('all');
    expect(sub.metadata.name).toBe(`default-all-${trigger.metadata.uid ?? ''}`);
    expect(sub.metadata.labels).toMatchObject({ 'eventing.knative.dev/broker': 'default' });
    expect(sub.spec).toEqual({
      channel: { apiVersion: messaging, kind: 'InMemoryChannel', name: 'default-kne-trigger' },
      subscriber: {
        uri: `http://broker-filter.${system}.svc.cluster.local/triggers/${ns}/all/${trigger.metadata.uid ?? ''}`,
      },
      reply: { ref: { apiVersion: eventing, kind: 'Broker', name: 'default', namespace: ns } },
      delivery: { retry: 10, backoffPolicy: 'exponential', backoffDelay: 'PT0.2S' },
    });
    await markSubscribersReady('default-kne-trigger');
    const ready = await whenReady(ref('Trigger', 'all'));
    expect(ready.status?.['subscriberUri']).toBe('http://sink.example.com/');
  });

  it("uses a trigger's own delivery instead of the broker's, as a whole", async () => {
    await create('Trigger', 'own-delivery', {
      broker: 'default',
      subscriber: { uri: 'http://sink.example.com/' },
      delivery: { retry: 2, deadLetterSink: { uri: 'http://dls.example.com/' } },
    });
    const sub = await subscriptionOf('own-delivery');
    expect(sub.spec?.['delivery']).toEqual({
      retry: 2,
      deadLetterSink: { uri: 'http://dls.example.com/' },
    });
    const t = await eventually('the trigger dead-letter sink', async () => {
      const o = await get(ref('Trigger', 'own-delivery'));
      return o.status?.['deadLetterSinkUri'] ? o : undefined;
    });
    expect(t.status?.['deadLetterSinkUri']).toBe('http://dls.example.com/');
  });

  it('makes a trigger created before its broker Ready once the broker exists', async () => {
    await create('Trigger', 'early', {
      broker: 'late',
      subscriber: { uri: 'http://sink.example.com/' },
    });
    const waiting = await eventually('BrokerDoesNotExist', async () => {
      const c = cond(await get(ref('Trigger', 'early')), 'BrokerReady');
      return c?.reason === 'BrokerDoesNotExist' ? c : undefined;
    });
    expect(waiting).toMatchObject({ status: 'False', message: 'Broker "late" does not exist' });
    await create('Broker', 'late', {});
    await subscriptionOf('early');
    await markSubscribersReady('late-kne-trigger');
    await whenReady(ref('Trigger', 'early'));
  });

  it('gives a broker the channel kind of the ConfigMap its spec.config names', async () => {
    await create('Broker', 'kafka', {
      config: { apiVersion: 'v1', kind: 'ConfigMap', name: 'kafka-channel', namespace: system },
    });
    const channel = await eventually('the KafkaChannel trigger channel', () =>
      get(ref('KafkaChannel', 'kafka-kne-trigger', 'messaging.knative.dev/v1beta1')),
    );
    expect(channel.spec).toMatchObject({ numPartitions: 3, replicationFactor: 1 });
    expect(channel.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Broker', name: 'kafka' });
    // No KafkaChannel controller runs here, so the channel never gets an address.
    const waiting = await eventually('TriggerChannelReady NoAddress', async () => {
      const c = cond(await get(ref('Broker', 'kafka')), 'TriggerChannelReady');
      return c?.reason === 'NoAddress' ? c : undefined;
    });
    expect(waiting.status).toBe('False');
  });

  it('reports an unparsable CESQL filter on the Trigger with the parser message', async () => {
    await create('Trigger', 'bad-sql', {
      broker: 'default',
      filters: [{ cesql: "type = 'a' AND" }],
      subscriber: { uri: 'http://sink.example.com/' },
    });
    const ready = await eventually('Ready False InvalidFilter', async () => {
      const c = cond(await get(ref('Trigger', 'bad-sql')));
      return c?.reason === 'InvalidFilter' ? c : undefined;
    });
    expect(ready.status).toBe('False');
    expect(ready.message).toMatch(
      /^spec\.filters\[0\]\.cesql: invalid CESQL expression: unexpected end/,
    );
  });

  it('garbage-collects the trigger channel of a deleted Broker', async () => {
    await client.delete(ref('Broker', 'default'));
    await eventually(
      'the trigger channel to be collected',
      () => gone(ref('InMemoryChannel', 'default-kne-trigger', messaging)),
      60_000,
    );
  }, 70_000);

  async function gone(r: ObjectRef): Promise<true | undefined> {
    try {
      await client.get(r);
      return undefined;
    } catch (err) {
      if (isNotFound(err)) return true;
      throw err;
    }
  }

  /** Plays the imc-dispatcher: every subscriber of the channel is ready at its generation. */
  async function markSubscribersReady(channel: string): Promise<void> {
    const imc = await eventually(`subscribers in ${channel}`, async () => {
      const o = await get(ref('InMemoryChannel', channel, messaging));
      return (o.spec?.subscribers?.length ?? 0) > 0 ? o : undefined;
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
});
