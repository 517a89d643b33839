import { request } from 'node:http';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEventServer, type EventServer, type Script } from '@knative-ts/delivery/testing';
import {
  createKubeClient,
  isNotFound,
  loadKubeConfig,
  type KubeObject,
  type ObjectRef,
} from '@knative-ts/kube';
import { startAppProcess, type AppProcess } from '@knative-ts/runtime/testing';
import { installCrds } from './crds.js';
import { createSystemNamespace } from './eventing-sandbox.js';
import { eventually, localCluster, uniqueName } from './local-cluster.js';

// The built eventing-controller and imc-dispatcher (LOCAL_MODE) against the real control
// plane, subscribers as real HTTP servers on loopback. The dispatcher registers itself as
// the imc-dispatcher Service's endpoint (an FQDN EndpointSlice at 127.0.0.1: the API server
// refuses loopback IPv4 endpoints), so channel addresses resolve to it as in a cluster.

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const controllerMain = join(repo, 'apps/eventing-controller/dist/main.js');
const dispatcherMain = join(repo, 'apps/imc-dispatcher/dist/main.js');
const messaging = 'messaging.knative.dev/v1';

type Obj = KubeObject & {
  spec?: Record<string, unknown>;
  status?: {
    conditions?: Array<{ type: string; status: string }>;
    subscribers?: Array<{ uid?: string; ready?: string; observedGeneration?: number }>;
  };
};

const event = {
  'content-type': 'application/octet-stream',
  'ce-specversion': '1.0',
  'ce-id': 'evt-1',
  'ce-source': '/itest/imc',
  'ce-type': 'dev.knative-ts.itest',
  'ce-subject': 'sub',
  'ce-time': '2024-01-02T03:04:05.678Z',
  'ce-dataschema': 'http://example.com/schema',
  'ce-myext': 'abc',
};
const data = Buffer.from([0, 1, 2, 250, 255, 0x7b]);

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** POST to the dispatcher's local port with any Host header (fetch forbids setting it). */
function post(
  port: number,
  path: string,
  headers: Record<string, string>,
  body: Uint8Array | string,
  method = 'POST',
): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      res.resume();
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

describe('imc-dispatcher on the real control plane', () => {
  const kubeconfig = localCluster().kubeconfig;
  const client = createKubeClient(loadKubeConfig({ env: { KUBECONFIG: kubeconfig } }));
  const system = uniqueName('itest-imcd-sys');
  const ns = uniqueName('itest-imcd');
  const servers: EventServer[] = [];
  const apps: AppProcess[] = [];
  let port = 0;
  let sinks: Record<'a' | 'replier' | 'second' | 'retry' | 'failing' | 'dls', EventServer>;

  const ref = (kind: string, name: string): ObjectRef => ({
    apiVersion: messaging,
    kind,
    namespace: ns,
    name,
  });
  const server = async (script?: Script) => {
    const s = await startEventServer(script);
    servers.push(s);
    return s;
  };
  const subscription = (name: string, channel: string, spec: Record<string, unknown>) =>
    client.create({
      apiVersion: messaging,
      kind: 'Subscription',
      metadata: { namespace: ns, name },
      spec: { channel: { apiVersion: messaging, kind: 'InMemoryChannel', name: channel }, ...spec },
    } as KubeObject);

  beforeAll(async () => {
    await installCrds();
    await createSystemNamespace(
      client,
      system,
      'clusterDefault:\n  apiVersion: messaging.knative.dev/v1\n  kind: InMemoryChannel\n',
    );
    port = await freePort();
    await client.create({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        namespace: system,
        name: 'imc-dispatcher-loopback',
        labels: {
          'kubernetes.io/service-name': 'imc-dispatcher',
          'endpointslice.kubernetes.io/managed-by': 'knative-ts-tests',
        },
      },
      addressType: 'FQDN',
      endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
      ports: [{ name: 'http', port, protocol: 'TCP' }],
    } as KubeObject);
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });

    sinks = {
      a: await server(),
      replier: await server(() => ({
        status: 200,
        headers: {
          'ce-specversion': '1.0',
          'ce-id': 'reply-1',
          'ce-source': '/replier',
          'ce-type': 'dev.knative-ts.reply',
          'content-type': 'text/plain',
        },
        body: 'pong',
      })),
      second: await server(),
      retry: await server((_req, i) => ({ status: i < 3 ? 503 : 202 })),
      failing: await server(() => ({ status: 500, body: 'boom' })),
      dls: await server(),
    };

    const env = { KUBECONFIG: kubeconfig, SYSTEM_NAMESPACE: system, LOG_LEVEL: 'info' };
    apps.push(await startAppProcess(controllerMain, env, { startTimeoutMs: 20_000 }));
    apps.push(
      await startAppProcess(dispatcherMain, {
        ...env,
        HTTP_PORT: String(port),
        LOCAL_MODE: 'true',
        MAX_BODY_BYTES: '65536',
      }),
    );

    for (const name of ['ch1', 'ch2']) {
      await client.create({
        apiVersion: messaging,
        kind: 'InMemoryChannel',
        metadata: { namespace: ns, name },
        spec: {},
      } as KubeObject);
    }
    const uri = (s: EventServer) => ({ uri: s.url });
    await subscription('to-a', 'ch1', { subscriber: uri(sinks.a) });
    await subscription('to-replier', 'ch1', {
      subscriber: uri(sinks.replier),
      reply: { ref: { apiVersion: messaging, kind: 'InMemoryChannel', name: 'ch2' } },
    });
    await subscription('to-retry', 'ch1', {
      subscriber: uri(sinks.retry),
      delivery: { retry: 3, backoffPolicy: 'exponential', backoffDelay: 'PT0.2S' },
    });
    await subscription('to-failing', 'ch1', {
      subscriber: uri(sinks.failing),
      delivery: { retry: 1, deadLetterSink: uri(sinks.dls) },
    });
    await subscription('to-second', 'ch2', { subscriber: uri(sinks.second) });
  }, 90_000);

  afterAll(async () => {
    for (const app of apps.reverse()) expect(await app.stop('SIGTERM', 10_000)).toBe(0);
    await Promise.all(servers.map((s) => s.close()));
    for (const name of [ns, system]) {
      await client.delete({ apiVersion: 'v1', kind: 'Namespace', name }).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    }
  });

  it('reports every subscriber ready in the channel status and the Subscriptions become Ready', async () => {
    for (const [channel, count] of [
      ['ch1', 4],
      ['ch2', 1],
    ] as const) {
      const imc = await eventually(`${channel} subscribers ready`, async () => {
        const o = await client.get<Obj>(ref('InMemoryChannel', channel));
        const subs = o.status?.subscribers ?? [];
        return subs.length === count && subs.every((s) => s.ready === 'True') ? o : undefined;
      });
      const uids = ((imc.spec?.['subscribers'] ?? []) as Array<{ uid: string }>).map((s) => s.uid);
      expect(imc.status?.subscribers?.map((s) => s.uid)).toEqual(uids);
    }
    for (const name of ['to-a', 'to-replier', 'to-retry', 'to-failing', 'to-second']) {
      await eventually(`Subscription ${name} Ready`, async () => {
        const sub = await client.get<Obj>(ref('Subscription', name));
        return (
          sub.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' || undefined
        );
      });
    }
  });

  it('fans an event out unchanged, by Host header, with replies, retries and dead letters', async () => {
    const host = `ch1-kn-channel.${ns}.svc.cluster.local`;
    const res = await post(port, '/', { ...event, host }, data);
    expect(res.status).toBe(202);

    for (const sink of [sinks.a, sinks.replier, sinks.retry]) {
      const got = sink.requests.at(-1);
      expect(got?.headers).toMatchObject(event);
      expect(Buffer.from(got?.body ?? [])).toEqual(data);
    }
    // Retry 3, exponential PT0.2S: waits of 200, 400 and 800 ms before the retries.
    const at = sinks.retry.requests.map((r) => r.at);
    expect(at).toHaveLength(4);
    [200, 400, 800].forEach((gap, i) =>
      expect(at[i + 1]! - at[i]!).toBeGreaterThanOrEqual(gap - 15),
    );

    expect(sinks.failing.requests).toHaveLength(2);
    const dead = sinks.dls.requests[0];
    expect(dead?.headers).toMatchObject({
      ...event,
      'ce-knativeerrordest': sinks.failing.url,
      'ce-knativeerrorcode': '500',
      'ce-knativeerrordata': Buffer.from('boom').toString('base64'),
    });
    expect(Buffer.from(dead?.body ?? [])).toEqual(data);

    // The reply went to ch2's address, resolved by local mode back to the dispatcher.
    const reply = await eventually(
      'the reply at ch2 subscriber',
      async () => sinks.second.requests[0],
    );
    expect(reply.headers).toMatchObject({ 'ce-id': 'reply-1', 'ce-source': '/replier' });
    expect(Buffer.from(reply.body).toString()).toBe('pong');
  });

  it('routes by path /<namespace>/<name>', async () => {
    const before = sinks.a.requests.length;
    const res = await post(port, `/${ns}/ch1`, { ...event, 'ce-id': 'evt-2' }, data);
    expect(res.status).toBe(202);
    expect(sinks.a.requests[before]?.headers['ce-id']).toBe('evt-2');
  });

  it.each<[string, string, string, Record<string, string>, string, number]>([
    ['GET', 'GET', '/ch1', event, '', 405],
    ['unknown channel', 'POST', '/nope', event, 'x', 404],
    ['missing ce-id', 'POST', '/ch1', { ...event, 'ce-id': '' }, 'x', 400],
    ['no CloudEvent', 'POST', '/ch1', { 'content-type': 'text/plain' }, 'x', 400],
    [
      'unreadable format',
      'POST',
      '/ch1',
      { 'content-type': 'application/cloudevents+avro' },
      'x',
      415,
    ],
    ['too large', 'POST', '/ch1', event, 'x'.repeat(70_000), 413],
    ['OPTIONS', 'OPTIONS', '/ch1', {}, '', 200],
  ])('answers %s with the right status', async (_case, method, path, headers, body, want) => {
    const clean = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== ''));
    const res = await post(port, `/${ns}${path}`, clean, body, method);
    expect(res.status).toBe(want);
    if (method === 'OPTIONS') expect(res.headers['allow']).toBe('POST, OPTIONS');
  });
});
