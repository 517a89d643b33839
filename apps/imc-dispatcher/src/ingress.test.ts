import {
  Admission,
  compileDelivery,
  Sender,
  startEventReceiver,
  UndiciTransport,
  type EventReceiver,
} from '@knative-ts/delivery';
import { startEventServer, type EventServer, type Script } from '@knative-ts/delivery/testing';
import { request } from 'node:http';
import { createLogger } from '@knative-ts/runtime';
import { ChannelTable } from '@knative-ts/delivery';
import type { CompiledSubscriber } from './channel-config.js';
import type { ChannelEntry } from './fanout.js';
import { InFlight } from './in-flight.js';
import { createIngressHandler } from './ingress.js';

// The receiver on a real port, subscribers as real HTTP servers.
const transport = new UndiciTransport();
const sender = new Sender({ transport });
const log = createLogger({ component: 'test', level: 'silent' });
const rejected: Array<[string, number]> = [];
const servers: EventServer[] = [];
const table = new ChannelTable<ChannelEntry>();
const inFlight = new InFlight();
// Two events in flight at most, so the backpressure tests can fill it.
const admission = new Admission({ maxEvents: 2, maxBytes: 1 << 20, retryAfterSeconds: 3 });
let receiver: EventReceiver;
let base: string;

async function server(script?: Script): Promise<EventServer> {
  const s = await startEventServer(script);
  servers.push(s);
  return s;
}

function channel(name: string, subscribers: CompiledSubscriber[], async = false): ChannelEntry {
  const entry = {
    namespace: 'ns',
    name,
    host: `${name}-kn-channel.ns.svc.cluster.local`,
    async,
    subscribers,
    rejected: [],
    sender,
  };
  table.set(entry);
  return entry;
}

const sub = (uid: string, url: string, extra: Partial<CompiledSubscriber> = {}) => ({
  uid,
  subscriber: url,
  config: compileDelivery(undefined),
  ...extra,
});

const binary = {
  'content-type': 'text/plain',
  'ce-specversion': '1.0',
  'ce-id': 'e1',
  'ce-source': '/test',
  'ce-type': 'com.example.test',
  'ce-myext': 'abc',
};

/** POST with a Host header of our choice (fetch forbids setting it). */
function postToHost(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/`, { method: 'POST', headers: { ...binary, host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end('hello');
  });
}

async function post(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${base}${path}`, { method: 'POST', headers: binary, body: 'hello', ...init });
}

beforeAll(async () => {
  const handler = createIngressHandler({
    table,
    maxBodyBytes: 1024,
    log,
    metrics: { rejected: (ns, status) => void rejected.push([ns, status]) },
    inFlight,
    admission,
  });
  receiver = await startEventReceiver({
    port: 0,
    handler,
    onError: (err) => log.error({ err }, 'request handling failed'),
  });
  base = `http://127.0.0.1:${receiver.port}`;
});

afterAll(async () => {
  await receiver.close();
  await inFlight.drain();
  await transport.close();
  await Promise.all(servers.map((s) => s.close()));
});

describe('ingress status codes', () => {
  beforeAll(async () => {
    const ok = await server();
    channel('ok', [sub('a', ok.url)]);
    const bad = await server(() => ({ status: 500, body: 'boom' }));
    channel('failing', [sub('a', ok.url), sub('b', bad.url)]);
  });

  it.each(['GET', 'PUT', 'DELETE', 'PATCH'])('answers %s with 405 and Allow', async (method) => {
    const res = await fetch(`${base}/ns/ok`, { method });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
  });

  it('answers OPTIONS with 200 and the WebHook headers', async () => {
    const res = await fetch(`${base}/ns/ok`, { method: 'OPTIONS' });
    expect(res.status).toBe(200);
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
    expect(res.headers.get('webhook-allowed-origin')).toBe('*');
    expect(res.headers.get('webhook-allowed-rate')).toBe('*');
  });

  it.each([
    ['unknown path', '/ns/nope', {}, 404],
    ['bad path', '/ns', {}, 400],
  ])('answers %s with %i', async (_case, path, headers, want) => {
    const res = await post(path, { headers: { ...binary, ...headers } });
    expect(res.status).toBe(want);
  });

  it.each([
    ['missing ce-id', { ...binary, 'ce-id': undefined }, 'hi', 400, 'missing-required-attribute'],
    ['no CloudEvent', { 'content-type': 'text/plain' }, 'hi', 400, 'not-a-cloudevent'],
    [
      'invalid structured JSON',
      { 'content-type': 'application/cloudevents+json' },
      '{',
      400,
      'invalid-json',
    ],
    [
      'batch',
      { 'content-type': 'application/cloudevents-batch+json' },
      '[]',
      400,
      'batch-unsupported',
    ],
    [
      'unknown format',
      { 'content-type': 'application/cloudevents+xml' },
      '<e/>',
      415,
      'unsupported-format',
    ],
  ])('answers %s with %i and the reason', async (_case, headers, body, want, reason) => {
    const clean = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined));
    const res = await post('/ns/ok', { headers: clean as Record<string, string>, body });
    expect(res.status).toBe(want);
    expect(await res.text()).toContain(reason);
    expect(rejected).toContainEqual(['ns', want]);
  });

  it('answers 413 above the body limit, with or without Content-Length', async () => {
    expect((await post('/ns/ok', { body: 'x'.repeat(2048) })).status).toBe(413);
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 4; i++) c.enqueue(new TextEncoder().encode('y'.repeat(512)));
        c.close();
      },
    });
    const res = await post('/ns/ok', { body: stream, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('answers 202 by host and by path, 404 for an unknown host', async () => {
    expect(await postToHost('ok-kn-channel.ns.svc.cluster.local:80')).toBe(202);
    expect(await postToHost('nope-kn-channel.ns.svc.cluster.local')).toBe(404);
    expect((await post('/ns/ok')).status).toBe(202);
  });

  it('answers 500 when a subscriber without dead-letter sink fails', async () => {
    expect((await post('/ns/failing')).status).toBe(500);
  });
});

describe('fan-out', () => {
  it('delivers the event unchanged to every subscriber with Kn-Namespace', async () => {
    const [a, b] = [await server(), await server()];
    channel('fan', [sub('a', a.url), sub('b', b.url)]);
    expect((await post('/ns/fan')).status).toBe(202);
    for (const s of [a, b]) {
      const [req] = s.requests;
      expect(req?.headers).toMatchObject({ ...binary, 'kn-namespace': 'ns', prefer: 'reply' });
      expect(Buffer.from(req?.body ?? []).toString()).toBe('hello');
    }
  });

  it('is synchronous: answers only after every subscriber finished', async () => {
    const slow = await server(() => ({ status: 202, delayMs: 300 }));
    channel('sync', [sub('a', slow.url)]);
    const started = Date.now();
    expect((await post('/ns/sync')).status).toBe(202);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(slow.requests).toHaveLength(1);
  });

  it('is asynchronous with the annotation: 202 at once, delivery afterwards', async () => {
    const slow = await server(() => ({ status: 500, delayMs: 300 }));
    channel('async', [sub('a', slow.url)], true);
    const started = Date.now();
    expect((await post('/ns/async')).status).toBe(202);
    expect(Date.now() - started).toBeLessThan(250);
    expect(inFlight.size).toBe(1);
    await inFlight.drain();
    expect(slow.requests).toHaveLength(1);
  });

  it('succeeds when a failing subscriber dead-letters, and sends replies on', async () => {
    const failing = await server(() => ({ status: 503, body: 'down' }));
    const dls = await server();
    const replier = await server(() => ({
      status: 200,
      headers: { 'ce-specversion': '1.0', 'ce-id': 'r1', 'ce-source': '/r', 'ce-type': 'reply' },
      body: 'pong',
    }));
    const replies = await server();
    channel('dl', [
      sub('a', failing.url, { deadLetterSink: dls.url, config: compileDelivery({ retry: 1 }) }),
      sub('b', replier.url, { reply: replies.url }),
    ]);
    expect((await post('/ns/dl')).status).toBe(202);
    expect(failing.requests).toHaveLength(2);
    expect(dls.requests[0]?.headers).toMatchObject({
      'ce-id': 'e1',
      'ce-knativeerrordest': failing.url,
      'ce-knativeerrorcode': '503',
      'ce-knativeerrordata': Buffer.from('down').toString('base64'),
    });
    expect(replies.requests[0]?.headers['ce-id']).toBe('r1');
  });
});

describe('bounds', () => {
  it('answers 503 with Retry-After past the in-flight budget, and admits again once it drains', async () => {
    const slow = await server(() => ({ status: 202, delayMs: 400 }));
    channel('busy', [sub('a', slow.url)]);
    const first = [post('/ns/busy'), post('/ns/busy')];
    await new Promise((r) => setTimeout(r, 100));
    const refused = await post('/ns/busy');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('3');
    expect(rejected).toContainEqual(['ns', 503]);
    expect((await Promise.all(first)).map((r) => r.status)).toEqual([202, 202]);
    expect((await post('/ns/busy')).status).toBe(202);
    expect(admission.usage.events).toBe(0);
  });

  it('counts async fan-outs against the budget until they finish', async () => {
    const slow = await server(() => ({ status: 202, delayMs: 400 }));
    channel('async-busy', [sub('a', slow.url)], true);
    expect((await post('/ns/async-busy')).status).toBe(202);
    expect((await post('/ns/async-busy')).status).toBe(202);
    expect((await post('/ns/async-busy')).status).toBe(503);
    await inFlight.drain();
    expect(admission.usage.events).toBe(0);
    expect(slow.requests).toHaveLength(2);
  });

  it('cancels a sync fan-out when the sender hangs up: the subscriber request is abandoned', async () => {
    let closedEarly = false;
    const hung = await server(() => ({ status: 202, delayMs: 5_000 }));
    channel('hangup', [
      sub('a', hung.url, { config: compileDelivery({ retry: 3, timeout: 'PT10S' }) }),
    ]);
    await new Promise<void>((resolve) => {
      const req = request(`${base}/ns/hangup`, { method: 'POST', headers: binary });
      req.on('error', () => {
        closedEarly = true;
        resolve();
      });
      req.end('hello');
      setTimeout(() => req.destroy(), 200);
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(closedEarly).toBe(true);
    // One attempt, no retries after the hang-up, and the budget is free again.
    expect(hung.requests.length).toBeLessThanOrEqual(1);
    expect(admission.usage.events).toBe(0);
  });
});
