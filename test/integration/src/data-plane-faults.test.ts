import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeObject, ObjectRef } from '@knative-ts/kube';
import { eventually, uniqueName } from './local-cluster.js';
import { post, startLocalEventing, type LocalEventing } from './local-eventing.js';

// Faults a production data plane meets, against the real apps (built, LOCAL_MODE) on the
// real control plane: a hung subscriber, one that always fails, one too slow for the load.
// Each test prints what it measured. The bounds are set small through the apps'
// environment so that each fault shows within seconds.

const messaging = 'messaging.knative.dev/v1';
const eventing = 'eventing.knative.dev/v1';
type Cond = { type: string; status: string };
type Obj = KubeObject & { status?: { conditions?: Cond[] } };

/** A subscriber whose behaviour a test scripts, recording arrivals and concurrency. */
interface FaultySubscriber {
  port: number;
  arrivals: number[];
  /** Most requests open at once. */
  peakOpen: number;
  close(): Promise<void>;
}

async function faultySubscriber(
  handle: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<FaultySubscriber> {
  let open = 0;
  const state = { arrivals: [] as number[], peakOpen: 0 };
  const server: Server = createServer((req, res) => {
    open++;
    state.peakOpen = Math.max(state.peakOpen, open);
    state.arrivals.push(Date.now());
    res.on('close', () => open--);
    req.resume();
    req.on('end', () => handle(req, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    get arrivals() {
      return state.arrivals;
    },
    get peakOpen() {
      return state.peakOpen;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const binaryEvent = (id: string): Record<string, string> => ({
  'content-type': 'text/plain',
  'ce-specversion': '1.0',
  'ce-id': id,
  'ce-source': '/itest/faults',
  'ce-type': 'dev.knative-ts.fault',
});

const gaps = (times: number[]): number[] => times.slice(1).map((t, i) => t - times[i]!);

describe('data plane under faults (real apps, real control plane)', () => {
  let sys: LocalEventing;
  const ns = uniqueName('itest-faults');
  const subscribers: FaultySubscriber[] = [];

  const ref = (apiVersion: string, kind: string, name: string): ObjectRef => ({
    apiVersion,
    kind,
    namespace: ns,
    name,
  });
  const create = (apiVersion: string, kind: string, name: string, spec: object, meta = {}) =>
    sys.client.create({
      apiVersion,
      kind,
      metadata: { namespace: ns, name, ...meta },
      spec,
    } as KubeObject);
  const whenReady = (r: ObjectRef) =>
    eventually(`${r.kind} ${r.name} Ready`, async () => {
      const o = await sys.client.get<Obj>(r);
      return o.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True'
        ? o
        : undefined;
    });
  async function subscriber(name: string, handle: Parameters<typeof faultySubscriber>[0]) {
    const s = await faultySubscriber(handle);
    subscribers.push(s);
    await sys.registerService(ns, name, s.port);
    return s;
  }
  /** An InMemoryChannel with one Subscription to the Service `service`, Ready. */
  async function channelTo(
    name: string,
    service: string,
    delivery: object,
    annotations: Record<string, string> = {},
  ) {
    await create(messaging, 'InMemoryChannel', name, {}, { annotations });
    await create(messaging, 'Subscription', `${name}-sub`, {
      channel: { apiVersion: messaging, kind: 'InMemoryChannel', name },
      subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name: service } },
      delivery,
    });
    await whenReady(ref(messaging, 'Subscription', `${name}-sub`));
    await whenReady(ref(messaging, 'InMemoryChannel', name));
    // The dispatcher has the subscriber once the channel's status lists it ready.
    await eventually(`${name} subscriber in the dispatcher`, async () => {
      const imc = await sys.client.get<Obj & { status?: { subscribers?: unknown[] } }>(
        ref(messaging, 'InMemoryChannel', name),
      );
      return (imc.status?.subscribers?.length ?? 0) > 0 ? true : undefined;
    });
  }
  const channelUrl = (name: string) =>
    `http://127.0.0.1:${sys.ports['imc-dispatcher']}/${ns}/${name}`;

  beforeAll(async () => {
    sys = await startLocalEventing({
      prefix: 'itest-faults-sys',
      env: {
        // Small bounds so each fault shows within seconds.
        DELIVERY_ATTEMPT_TIMEOUT_MS: '300',
        DELIVERY_DEADLINE_MS: '6000',
        DELIVERY_MAX_RETRY_DELAY_MS: '60000',
        MAX_IN_FLIGHT_EVENTS: '100',
        OVERLOAD_RETRY_AFTER_SECONDS: '1',
        // Stop well inside the harness's 15 s wait, even with a delivery still draining.
        SHUTDOWN_TIMEOUT_MS: '5000',
      },
    });
    await sys.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(subscribers.map((s) => s.close()));
    await sys?.stop();
  });

  it('hung subscriber: bounded attempts and time, one request open at a time', async () => {
    const hung = await subscriber('hung', () => undefined);
    // No delivery.timeout: the default attempt timeout (300 ms here) applies.
    await channelTo('to-hung', 'hung', {
      retry: 10,
      backoffPolicy: 'linear',
      backoffDelay: 'PT0.05S',
    });
    const started = Date.now();
    const res = await post(channelUrl('to-hung'), binaryEvent('hung-1'), 'x');
    const tookMs = Date.now() - started;
    console.log(
      `[faults] hung subscriber: answer ${res.status} after ${tookMs} ms, ${hung.arrivals.length} attempts, peak open requests ${hung.peakOpen}`,
    );
    expect(res.status).toBe(500);
    // The 6 s deadline ends it long before the 31 attempts asked for (≈ 13 s), no pile-up.
    expect(tookMs).toBeGreaterThanOrEqual(5_500);
    expect(tookMs).toBeLessThan(9_000);
    expect(hung.arrivals.length).toBeGreaterThanOrEqual(5);
    expect(hung.arrivals.length).toBeLessThan(25);
    expect(hung.peakOpen).toBe(1);
  });

  it('hung subscriber behind a Broker: broker-filter gives up with the dispatcher, no pile-up', async () => {
    const hung = await subscriber('hung-trigger', () => undefined);
    await create(eventing, 'Broker', 'faulty', {
      delivery: { retry: 3, backoffPolicy: 'linear', backoffDelay: 'PT0.05S', timeout: 'PT0.4S' },
    });
    await whenReady(ref(eventing, 'Broker', 'faulty'));
    await create(eventing, 'Trigger', 'to-hung', {
      broker: 'faulty',
      subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name: 'hung-trigger' } },
    });
    await whenReady(ref(eventing, 'Trigger', 'to-hung'));
    await eventually('the broker to take events', async () => {
      const r = await post(sys.brokerUrl(ns, 'faulty'), binaryEvent(`probe-${Date.now()}`), 'x');
      return r.status === 202 || hung.arrivals.length > 0 ? true : undefined;
    });
    const before = hung.arrivals.length;
    await new Promise((r) => setTimeout(r, 3_000));
    console.log(
      `[faults] hung trigger subscriber: ${hung.arrivals.length} attempts (${hung.arrivals.length - before} after the first answer), peak open requests ${hung.peakOpen}`,
    );
    // The Broker's 0.4 s timeout holds in broker-filter too: each retry finds no open request.
    expect(hung.peakOpen).toBe(1);
  });

  it('always-failing subscriber, retry 30 exponential: spacing grows, no storm', async () => {
    const failing = await subscriber('failing', (_req, res) => res.writeHead(500).end('down'));
    await channelTo(
      'to-failing',
      'failing',
      { retry: 30, backoffPolicy: 'exponential', backoffDelay: 'PT0.1S' },
      { 'messaging.knative.dev/async-handler': 'true' },
    );
    expect((await post(channelUrl('to-failing'), binaryEvent('fail-1'), 'x')).status).toBe(202);
    await new Promise((r) => setTimeout(r, 4_000));
    const spacing = gaps(failing.arrivals);
    console.log(
      `[faults] failing subscriber: ${failing.arrivals.length} attempts in 4 s, gaps ${spacing.join(', ')} ms`,
    );
    // 100·2^k ms: about 6 attempts fit in 4 s; a storm would be thousands.
    expect(failing.arrivals.length).toBeGreaterThanOrEqual(4);
    expect(failing.arrivals.length).toBeLessThanOrEqual(8);
    // Each wait at least as long as the one before (less request-time jitter), and the
    // last far longer than the first.
    for (let i = 1; i < spacing.length; i++) {
      expect(spacing[i]!).toBeGreaterThan(spacing[i - 1]! * 0.8);
    }
    expect(spacing.at(-1)!).toBeGreaterThan(spacing[0]! * 4);
  });

  it('slow subscriber under sustained load: senders get 503 + Retry-After, RSS stays bounded, nothing accepted is lost', async () => {
    const received = new Set<string>();
    await subscriber('slow', (req, res) => {
      received.add(String(req.headers['ce-id']));
      setTimeout(() => res.writeHead(202).end(), 100);
    });
    // A timeout of its own, far above the 300 ms default: slow must not become failing.
    await channelTo(
      'to-slow',
      'slow',
      { timeout: 'PT10S' },
      { 'messaging.knative.dev/async-handler': 'true' },
    );
    const total = 2_000;
    const accepted = new Set<string>();
    let refused = 0;
    let retryAfterSeen = 0;
    let peakRss = await sys.rss('imc-dispatcher');
    const baseRss = peakRss;
    const sampler = setInterval(() => {
      sys
        .rss('imc-dispatcher')
        .then((v) => (peakRss = Math.max(peakRss, v)))
        .catch(() => undefined);
    }, 200);
    let next = 0;
    const worker = async () => {
      while (next < total) {
        const id = `slow-${next++}`;
        const res = await post(channelUrl('to-slow'), binaryEvent(id), 'y'.repeat(1024));
        if (res.status === 202) accepted.add(id);
        else if (res.status === 503) {
          refused++;
          if (res.headers['retry-after'] === '1') retryAfterSeen++;
        } else throw new Error(`unexpected status ${res.status}`);
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    console.log(
      `[faults] slow subscriber: all sent; accepted ${accepted.size}, refused ${refused}, received so far ${received.size}`,
    );
    await eventually(
      'every accepted event delivered',
      async () => ([...accepted].every((id) => received.has(id)) ? true : undefined),
      60_000,
    ).finally(() => clearInterval(sampler));
    const lost = [...accepted].filter((id) => !received.has(id)).length;
    console.log(
      `[faults] slow subscriber: sent ${total}, accepted ${accepted.size}, refused 503 ${refused} (Retry-After on ${retryAfterSeen}), delivered ${received.size}, lost ${lost}; RSS ${(baseRss / 2 ** 20).toFixed(0)} → peak ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
    );
    expect(refused).toBeGreaterThan(0);
    expect(retryAfterSeen).toBe(refused);
    expect(lost).toBe(0);
    // 100 events in flight at most: memory does not follow the backlog.
    expect(peakRss - baseRss).toBeLessThan(80 * 2 ** 20);
  }, 180_000);
});
