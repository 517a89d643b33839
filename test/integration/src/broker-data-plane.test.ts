import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  startEventServer,
  type EventServer,
  type RecordedRequest,
} from '@knative-ts/delivery/testing';
import { createKubeClient, isNotFound, loadKubeConfig, type KubeObject } from '@knative-ts/kube';
import { startAppProcess, type AppProcess } from '@knative-ts/runtime/testing';
import { installCrds } from './crds.js';
import { eventually, localCluster, uniqueName } from './local-cluster.js';

// broker-ingress and broker-filter as built processes against the real control plane,
// with real HTTP servers standing in for the trigger channel and the subscribers.
//
// The Broker and Trigger reconcilers are not written yet, so this test writes the STATUS
// they will write: a Broker's `status.annotations["knative.dev/channelAddress"]` (here a
// recording server in place of the `<broker>-kne-trigger` channel) and a Trigger's
// `status.subscriberUri` (here recording subscribers). The test also plays the trigger
// channel's dispatcher: it replays what ingress put on the channel to broker-filter's
// `/triggers/<ns>/<trigger>/<uid>`, as the channel subscription would.

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const ingressMain = join(repo, 'apps/broker-ingress/dist/main.js');
const filterMain = join(repo, 'apps/broker-filter/dist/main.js');
const eventing = 'eventing.knative.dev/v1';
const dec = new TextDecoder();

type Obj = KubeObject & { spec?: unknown; status?: Record<string, unknown> };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** The CloudEvent headers (and content type) of a recorded request, as a channel forwards them. */
function eventHeaders(req: RecordedRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if ((name.startsWith('ce-') || name === 'content-type') && typeof value === 'string') {
      out[name] = value;
    }
  }
  return out;
}

describe('broker data plane on the real control plane', () => {
  const kubeconfig = localCluster().kubeconfig;
  const client = createKubeClient(loadKubeConfig({ env: { KUBECONFIG: kubeconfig } }));
  const ns = uniqueName('itest-brk');
  const servers: EventServer[] = [];
  const apps: AppProcess[] = [];
  let channel: EventServer;
  let subscriber: EventServer;
  let replier: EventServer;
  let failing: EventServer;
  let ingress: string;
  let filter: string;
  const uids: Record<string, string> = {};

  const order = {
    'ce-specversion': '1.0',
    'ce-id': 'order-1',
    'ce-source': '/shop/eu',
    'ce-type': 'com.example.order',
    'ce-myext': 'gold',
    'content-type': 'application/json',
  };

  async function createWithStatus(obj: Obj, status: Record<string, unknown>): Promise<Obj> {
    const created = await client.create(obj);
    return client.updateStatus({ ...created, status });
  }

  async function trigger(name: string, subscriberUri: string, spec: object = {}): Promise<void> {
    const created = await createWithStatus(
      {
        apiVersion: eventing,
        kind: 'Trigger',
        metadata: { namespace: ns, name },
        spec: { broker: 'default', subscriber: { uri: subscriberUri }, ...spec },
      },
      { subscriberUri },
    );
    uids[name] = created.metadata.uid ?? '';
  }

  async function startApp(main: string, containerName: string): Promise<string> {
    const port = await freePort();
    const app = await startAppProcess(
      main,
      {
        KUBECONFIG: kubeconfig,
        HTTP_PORT: String(port),
        CONTAINER_NAME: containerName,
        MAX_BODY_BYTES: '1024',
        LOG_LEVEL: 'info',
      },
      { startTimeoutMs: 20_000 },
    );
    apps.push(app);
    await eventually('the app to be ready', async () =>
      (await fetch(`http://127.0.0.1:${app.port}/readyz`)).status === 200 ? true : undefined,
    );
    return `http://127.0.0.1:${port}`;
  }

  const toFilter = (name: string, headers: Record<string, string>, body: string | Uint8Array) =>
    fetch(`${filter}/triggers/${ns}/${name}/${uids[name]}`, { method: 'POST', headers, body });

  beforeAll(async () => {
    await installCrds();
    channel = await startEventServer(() => ({ status: 202 }));
    subscriber = await startEventServer(() => ({ status: 202 }));
    replier = await startEventServer(() => ({
      status: 200,
      headers: {
        'ce-specversion': '1.0',
        'ce-id': 'reply-1',
        'ce-source': '/replier',
        'ce-type': 'com.example.order.accepted',
        'content-type': 'text/plain',
      },
      body: 'accepted',
    }));
    failing = await startEventServer(() => ({ status: 503, body: 'boom' }));
    servers.push(channel, subscriber, replier, failing);

    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await createWithStatus(
      {
        apiVersion: eventing,
        kind: 'Broker',
        metadata: {
          namespace: ns,
          name: 'default',
          annotations: { 'eventing.knative.dev/broker.class': 'MTChannelBasedBroker' },
        },
        spec: {},
      },
      { annotations: { 'knative.dev/channelAddress': channel.url } },
    );
    await trigger('orders', subscriber.url, {
      filters: [
        { exact: { type: 'com.example.order' } },
        { prefix: { source: '/shop/' } },
        { cesql: "myext = 'gold' AND EXISTS id" },
      ],
    });
    await trigger('replying', replier.url);
    await trigger('failing', failing.url);

    ingress = await startApp(ingressMain, 'ingress');
    filter = await startApp(filterMain, 'filter');
    // The informers list what exists at start; wait until both apps know our objects.
    await eventually('ingress to know the broker', async () => {
      const res = await fetch(`${ingress}/${ns}/default`, {
        method: 'POST',
        headers: order,
        body: '{}',
      });
      return res.status === 202 ? true : undefined;
    });
    await eventually('filter to know the trigger', async () => {
      const res = await toFilter(
        'orders',
        { ...order, 'ce-myext': 'none', 'ce-knativebrokerttl': '9' },
        '{}',
      );
      return res.status === 200 ? true : undefined;
    });
  });

  afterAll(async () => {
    for (const app of apps) expect(await app.stop('SIGTERM', 10_000)).toBe(0);
    for (const s of servers) await s.close();
    await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  });

  beforeEach(() => {
    for (const s of servers) s.requests.length = 0;
  });

  it('puts an accepted event on the trigger channel with arrival time and TTL 255, otherwise unchanged', async () => {
    const before = Date.now();
    const res = await fetch(`${ingress}/${ns}/default`, {
      method: 'POST',
      headers: order,
      body: '{"sku":42}',
    });
    expect(res.status).toBe(202);
    expect(channel.requests).toHaveLength(1);
    const got = channel.requests[0]!;
    expect(eventHeaders(got)).toEqual({
      ...order,
      'ce-knativebrokerttl': '255',
      'ce-knativearrivaltime': expect.any(String),
    });
    const arrival = Date.parse(got.headers['ce-knativearrivaltime'] as string);
    expect(arrival).toBeGreaterThanOrEqual(before - 1000);
    expect(arrival).toBeLessThanOrEqual(Date.now() + 1000);
    expect(dec.decode(got.body)).toBe('{"sku":42}');
  });

  it.each([
    ['an unknown broker', 404, 'POST', () => `/${ns}/nope`],
    ['the root path', 404, 'POST', () => '/'],
    ['a malformed path', 400, 'POST', () => `/${ns}`],
    ['GET', 405, 'GET', () => `/${ns}/default`],
  ])('answers %s with %s', async (_name, status, method, path) => {
    const init: RequestInit =
      method === 'GET' ? { method } : { method, headers: order, body: '{}' };
    expect((await fetch(`${ingress}${path()}`, init)).status).toBe(status);
    expect(channel.requests).toHaveLength(0);
  });

  it('answers a body above MAX_BODY_BYTES with 413', async () => {
    const res = await fetch(`${ingress}/${ns}/default`, {
      method: 'POST',
      headers: order,
      body: 'x'.repeat(2048),
    });
    expect(res.status).toBe(413);
    expect(channel.requests).toHaveLength(0);
  });

  it('delivers a matching event to the subscriber without the TTL and with Prefer: reply', async () => {
    await fetch(`${ingress}/${ns}/default`, { method: 'POST', headers: order, body: '{"sku":1}' });
    const onChannel = channel.requests[0]!;
    const res = await toFilter('orders', eventHeaders(onChannel), onChannel.body);
    expect(res.status).toBe(202);
    expect(subscriber.requests).toHaveLength(1);
    const got = subscriber.requests[0]!;
    expect(got.headers['prefer']).toBe('reply');
    expect(got.headers['kn-namespace']).toBe(ns);
    expect(got.headers).not.toHaveProperty('ce-knativebrokerttl');
    expect(eventHeaders(got)).toEqual({
      ...order,
      'ce-knativearrivaltime': onChannel.headers['ce-knativearrivaltime'],
    });
    expect(dec.decode(got.body)).toBe('{"sku":1}');
  });

  it('answers 200 empty and delivers nothing for an event the filters reject', async () => {
    for (const miss of [
      { 'ce-myext': 'silver' },
      { 'ce-type': 'com.example.refund' },
      { 'ce-source': '/warehouse/eu' },
    ]) {
      const res = await toFilter(
        'orders',
        { ...order, ...miss, 'ce-knativebrokerttl': '255' },
        '{}',
      );
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('');
    }
    expect(subscriber.requests).toHaveLength(0);
  });

  it('answers with the reply event carrying the TTL, which ingress then decrements', async () => {
    const res = await toFilter('replying', { ...order, 'ce-knativebrokerttl': '255' }, '{}');
    expect(res.status).toBe(200);
    expect(res.headers.get('ce-id')).toBe('reply-1');
    expect(res.headers.get('ce-knativebrokerttl')).toBe('255');
    const body = await res.text();
    expect(body).toBe('accepted');
    // The channel's reply is the Broker: the reply re-enters through ingress.
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      if (name.startsWith('ce-') || name === 'content-type') headers[name] = value;
    });
    expect(
      (await fetch(`${ingress}/${ns}/default`, { method: 'POST', headers, body })).status,
    ).toBe(202);
    expect(channel.requests[0]?.headers['ce-knativebrokerttl']).toBe('254');
  });

  it("answers a failing subscriber's status with the JSON error body", async () => {
    const res = await toFilter('failing', { ...order, 'ce-knativebrokerttl': '255' }, '{}');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ errdestination: failing.url, errresponsebody: 'Ym9vbQ==' });
  });

  it('refuses an event that did not come through the broker (no TTL) with 400', async () => {
    expect((await toFilter('orders', order, '{}')).status).toBe(400);
    expect(subscriber.requests).toHaveLength(0);
  });

  it('exports the ingress and filter metrics with Knative labels', async () => {
    await fetch(`${ingress}/${ns}/default`, { method: 'POST', headers: order, body: '{}' });
    const onChannel = channel.requests[0]!;
    await toFilter('orders', eventHeaders(onChannel), onChannel.body);
    const [ingressApp, filterApp] = apps;
    const ingressMetrics = await (
      await fetch(`http://127.0.0.1:${ingressApp!.port}/metrics`)
    ).text();
    expect(ingressMetrics).toMatch(
      new RegExp(
        `mt_broker_ingress_event_count\\{namespace_name="${ns}",broker_name="default",event_type="com.example.order",response_code="202",response_code_class="2xx",unique_name="[^"]+",container_name="ingress"\\} \\d+`,
      ),
    );
    const filterMetrics = await (await fetch(`http://127.0.0.1:${filterApp!.port}/metrics`)).text();
    expect(filterMetrics).toContain(
      `mt_broker_filter_event_processing_latencies_count{namespace_name="${ns}",trigger_name="orders"`,
    );
    expect(filterMetrics).toMatch(
      new RegExp(
        `mt_broker_filter_event_dispatch_latencies_count\\{namespace_name="${ns}",trigger_name="orders",broker_name="default",filter_type="any",unique_name="[^"]+",container_name="filter",response_code="202",response_code_class="2xx"\\} \\d+`,
      ),
    );
  });
});
