import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { parseHttpEvent } from '../binding/http.js';
import type { CloudEvent } from '../event.js';
import { LocalResolver } from '../local-resolver.js';
import { startEventServer, type EventServer } from '../testing/event-server.js';
import { FakeKubeClient } from '@knative-ts/kube/testing';
import { localSlice, service } from '../testing/local-registration.js';
import type { DeliveryOutcome } from './outcome.js';
import { compileDelivery } from './retry-policy.js';
import { Sender } from './sender.js';
import {
  UndiciTransport,
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
} from './transport.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const event: CloudEvent = {
  attributes: {
    specversion: '1.0',
    id: 'e1',
    source: '/src',
    type: 'test',
    myext: 'Grüße 😀',
    datacontenttype: 'text/plain',
  },
  data: enc.encode('hello'),
};
const replyHeaders = {
  'ce-specversion': '1.0',
  'ce-id': 'r1',
  'ce-source': '/sub',
  'ce-type': 'reply',
  'knative-hop': 'h',
};

describe('Sender against real HTTP servers', () => {
  const servers: EventServer[] = [];
  let sender: Sender;
  let outcomes: DeliveryOutcome[];
  let sleeps: number[];

  async function server(...args: Parameters<typeof startEventServer>): Promise<EventServer> {
    const s = await startEventServer(...args);
    servers.push(s);
    return s;
  }

  beforeEach(() => {
    outcomes = [];
    sleeps = [];
    // Sleeps are recorded, not waited: spacing is asserted from the computed delays.
    sender = new Sender({
      observer: (o) => outcomes.push(o),
      sleep: async (ms) => void sleeps.push(ms),
    });
  });

  afterEach(async () => {
    await sender.close();
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('retries a subscriber that fails 3 times, then succeeds', async () => {
    const sub = await server((_r, i) => ({ status: i < 3 ? 503 : 202 }));
    const config = compileDelivery({
      retry: 3,
      backoffPolicy: 'exponential',
      backoffDelay: 'PT0.1S',
    });
    const result = await sender.dispatch(event, { subscriber: sub.url, config, namespace: 'ns1' });
    expect(result).toEqual({ ok: true, deadLettered: false, status: 202 });
    expect(sub.requests).toHaveLength(4);
    expect(sleeps).toEqual([100, 200, 400]);
    expect(outcomes.map((o) => [o.attempt, o.status, o.willRetry])).toEqual([
      [1, 503, true],
      [2, 503, true],
      [3, 503, true],
      [4, 202, false],
    ]);
    for (const req of sub.requests) {
      // Same id, source and data on every attempt; binary mode; Prefer: reply; namespace.
      expect(parseHttpEvent(req)).toEqual(event);
      expect(req.headers['ce-myext']).toBe('Gr%C3%BC%C3%9Fe%20%F0%9F%98%80');
      expect(req.headers['prefer']).toBe('reply');
      expect(req.headers['kn-namespace']).toBe('ns1');
    }
  });

  it('dead-letters the original event with the three extensions when every attempt fails', async () => {
    const sub = await server(() => ({ status: 500, body: 'boom' }));
    const dls = await server(() => ({ status: 202 }));
    const config = compileDelivery({ retry: 2 });
    const result = await sender.dispatch(event, {
      subscriber: sub.url,
      deadLetterSink: dls.url,
      config,
      headers: { 'x-request-id': 'req-1', authorization: 'Bearer x' },
    });
    expect(result).toMatchObject({ ok: true, deadLettered: true, status: 500 });
    expect(sub.requests).toHaveLength(3);
    expect(sleeps).toEqual([]); // no backoff policy: immediate retries
    expect(dls.requests).toHaveLength(1);
    const dl = dls.requests[0]!;
    expect(parseHttpEvent(dl)).toEqual({
      attributes: {
        ...event.attributes,
        knativeerrordest: sub.url,
        knativeerrorcode: '500',
        knativeerrordata: 'Ym9vbQ==',
      },
      data: event.data,
    });
    expect(dl.headers['prefer']).toBeUndefined();
    expect(dl.headers['x-request-id']).toBe('req-1');
    expect(dl.headers['authorization']).toBeUndefined();
    expect(outcomes.map((o) => o.role)).toEqual([
      'subscriber',
      'subscriber',
      'subscriber',
      'deadletter',
    ]);
  });

  describe('a retry kept by the caller (attempt)', () => {
    const config = compileDelivery({
      retry: 2,
      backoffPolicy: 'exponential',
      backoffDelay: 'PT0.2S',
    });

    it.each<[string, number, number[], object]>([
      [
        'attempt 1 of 3 fails: one request, the wait of retry 1',
        1,
        [503],
        { ok: false, deadLettered: false, status: 503, retryInMs: 200 },
      ],
      [
        'attempt 2 of 3 fails: the wait of retry 2',
        2,
        [503],
        { ok: false, deadLettered: false, status: 503, retryInMs: 400 },
      ],
      [
        'the last attempt fails: dead-lettered now',
        3,
        [503],
        { ok: true, deadLettered: true, status: 503 },
      ],
      [
        'past the last (a redelivery after a crash) counts as the last',
        7,
        [503],
        { ok: true, deadLettered: true, status: 503 },
      ],
      [
        'a 400 is not retried, whatever the attempt',
        1,
        [400],
        { ok: true, deadLettered: true, status: 400 },
      ],
      ['a success is done', 2, [202], { ok: true, deadLettered: false, status: 202 }],
    ])('%s', async (_case, attempt, statuses, want) => {
      const sub = await server((_r, i) => ({ status: statuses[i] ?? 500 }));
      const dls = await server(() => ({ status: 202 }));
      const result = await sender.dispatch(event, {
        subscriber: sub.url,
        deadLetterSink: dls.url,
        config,
        attempt,
      });
      expect(result).toMatchObject(want);
      if (!('retryInMs' in want)) expect(result.retryInMs).toBeUndefined();
      expect(sub.requests).toHaveLength(1);
      expect(sleeps).toEqual([]);
      expect(dls.requests).toHaveLength('deadLettered' in want && want.deadLettered ? 1 : 0);
      expect(outcomes[0]).toMatchObject({ attempt: Math.min(attempt, 3), maxAttempts: 3 });
    });

    it('is not cut short by the dispatch deadline, which bounds waiting in this process only', async () => {
      const slow = compileDelivery({
        retry: 1,
        backoffPolicy: 'exponential',
        backoffDelay: 'PT1H',
      });
      const sub = await server(() => ({ status: 503 }));
      const result = await sender.dispatch(event, {
        subscriber: sub.url,
        config: slow,
        attempt: 1,
        deadlineMs: 1000,
      });
      expect(result.retryInMs).toBeGreaterThan(1000);
    });
  });

  it('fails without a dead-letter sink, and does not retry a 400', async () => {
    const sub = await server(() => ({ status: 400 }));
    const result = await sender.dispatch(event, {
      subscriber: sub.url,
      config: compileDelivery({ retry: 5 }),
    });
    expect(result).toMatchObject({
      ok: false,
      deadLettered: false,
      status: 400,
      error: { code: 'DELIVERY_ERR_HTTP_STATUS' },
    });
    expect(sub.requests).toHaveLength(1);
  });

  it('times out each attempt and dead-letters with code 500', async () => {
    const sub = await server(() => ({ status: 202, delayMs: 2000 }));
    const dls = await server();
    const config = compileDelivery({ retry: 1, timeout: 'PT0.1S' });
    const result = await sender.dispatch(event, {
      subscriber: sub.url,
      deadLetterSink: dls.url,
      config,
    });
    expect(result).toMatchObject({
      ok: true,
      deadLettered: true,
      error: { code: 'DELIVERY_ERR_TIMEOUT' },
    });
    expect(outcomes.slice(0, 2).map((o) => [o.status, o.error?.code])).toEqual([
      [undefined, 'DELIVERY_ERR_TIMEOUT'],
      [undefined, 'DELIVERY_ERR_TIMEOUT'],
    ]);
    const dl = parseHttpEvent(dls.requests[0]!);
    expect(dl.attributes['knativeerrorcode']).toBe('500');
    expect(dec.decode(Buffer.from(dl.attributes['knativeerrordata'] ?? '', 'base64'))).toMatch(
      /^dispatch error: /,
    );
  });

  it('retries a refused connection as a transport error', async () => {
    const port = await closedPort();
    const config = compileDelivery({ retry: 2, backoffPolicy: 'linear', backoffDelay: 'PT0.05S' });
    const result = await sender.send(event, `http://127.0.0.1:${port}/`, { config });
    expect(result).toMatchObject({ ok: false, error: { code: 'DELIVERY_ERR_TRANSPORT' } });
    expect(outcomes).toHaveLength(3);
    expect(sleeps).toEqual([50]); // linear: first retry immediate, then delay·1
  });

  it.each([
    ['enabled', true, [2000]],
    ['disabled (Knative default)', false, []],
  ])(
    'with delivery-retryafter %s, Retry-After on 429 (capped by retryAfterMax) sets the wait',
    async (_name, deliveryRetryAfter, expected) => {
      const sub = await server((_r, i) =>
        i === 0 ? { status: 429, headers: { 'retry-after': '120' } } : { status: 200 },
      );
      const flagged = new Sender({
        sleep: async (ms) => void sleeps.push(ms),
        features: () => ({ deliveryTimeout: true, deliveryRetryAfter }),
      });
      const config = compileDelivery({ retry: 1, retryAfterMax: 'PT2S' });
      await flagged.send(event, sub.url, { config });
      await flagged.close();
      expect(sleeps).toEqual(expected);
    },
  );

  it('forwards a 200 reply to the reply URL with pass-through headers only', async () => {
    const sub = await server(() => ({
      status: 200,
      headers: { ...replyHeaders, 'x-secret': 's' },
      body: 'pong',
    }));
    const reply = await server();
    const config = compileDelivery({});
    const result = await sender.dispatch(event, {
      subscriber: sub.url,
      reply: reply.url,
      config,
      namespace: 'ns1',
    });
    expect(result.ok).toBe(true);
    expect(result.reply?.attributes['id']).toBe('r1');
    expect(reply.requests).toHaveLength(1);
    const req = reply.requests[0]!;
    expect(dec.decode(req.body)).toBe('pong');
    expect(req.headers['ce-type']).toBe('reply');
    expect(req.headers['knative-hop']).toBe('h');
    expect(req.headers['kn-namespace']).toBe('ns1');
    expect(req.headers['x-secret']).toBeUndefined();
    expect(req.headers['prefer']).toBeUndefined();
  });

  it('does not take a 202 with an event as a reply', async () => {
    const sub = await server(() => ({ status: 202, headers: replyHeaders, body: 'pong' }));
    const reply = await server();
    const result = await sender.dispatch(event, {
      subscriber: sub.url,
      reply: reply.url,
      config: compileDelivery({}),
    });
    expect(result).toEqual({ ok: true, deadLettered: false, status: 202 });
    expect(reply.requests).toHaveLength(0);
  });

  it('dead-letters the original when the reply URL fails, naming the reply URL', async () => {
    const sub = await server(() => ({ status: 200, headers: replyHeaders }));
    const reply = await server(() => ({ status: 503 }));
    const dls = await server();
    const result = await sender.dispatch(event, {
      subscriber: sub.url,
      reply: reply.url,
      deadLetterSink: dls.url,
      config: compileDelivery({ retry: 1 }),
    });
    expect(result).toMatchObject({ ok: true, deadLettered: true, status: 200 });
    expect(reply.requests).toHaveLength(2);
    const dl = parseHttpEvent(dls.requests[0]!);
    expect(dl.attributes).toMatchObject({
      id: 'e1',
      knativeerrordest: reply.url,
      knativeerrorcode: '503',
    });
  });

  it('treats a malformed reply as a 502 failure', async () => {
    const sub = await server(() => ({ status: 200, headers: { 'ce-specversion': '1.0' } }));
    const result = await sender.dispatch(event, {
      subscriber: sub.url,
      config: compileDelivery({}),
    });
    expect(result).toMatchObject({
      ok: false,
      status: 502,
      error: { code: 'DELIVERY_ERR_MALFORMED_REPLY' },
    });
  });

  it('sends structured JSON when delivery.format is json', async () => {
    const sub = await server();
    await sender.send(event, sub.url, { config: compileDelivery({ format: 'json' }) });
    const req = sub.requests[0]!;
    expect(req.headers['content-type']).toMatch(/^application\/cloudevents\+json/);
    expect(req.headers['ce-id']).toBeUndefined();
    expect(parseHttpEvent(req)).toEqual(event);
  });

  it('connects to the local port of a cluster address in local mode, keeping Host', async () => {
    const sub = await server();
    const kube = new FakeKubeClient({
      objects: [service('sub', 'ns1'), localSlice('sub', 'ns1', sub.port)],
    });
    const local = new Sender({
      transport: new UndiciTransport({ resolve: new LocalResolver({ kube }).resolve }),
    });
    try {
      const result = await local.send(event, 'http://sub.ns1.svc.cluster.local/path', {
        config: compileDelivery({}),
      });
      expect(result.ok).toBe(true);
    } finally {
      await local.close();
    }
    expect(sub.requests[0]).toMatchObject({
      url: '/path',
      headers: { host: 'sub.ns1.svc.cluster.local' },
    });
  });
});

describe('Sender bounds: capped backoff, default timeout, deadline, cancellation', () => {
  const servers: EventServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  async function server(...args: Parameters<typeof startEventServer>): Promise<EventServer> {
    const s = await startEventServer(...args);
    servers.push(s);
    return s;
  }

  it('caps exponential backoff: retry 30 at PT0.2S never waits past the cap, never overflows', async () => {
    const sleeps: number[] = [];
    const sender = new Sender({
      sleep: async (ms) => void sleeps.push(ms),
      limits: { maxRetryDelayMs: 60_000 },
    });
    const sub = await server(() => ({ status: 500 }));
    const config = compileDelivery({
      retry: 30,
      backoffPolicy: 'exponential',
      backoffDelay: 'PT0.2S',
    });
    const result = await sender.send(event, sub.url, { config });
    await sender.close();
    expect(result.ok).toBe(false);
    expect(sub.requests).toHaveLength(31);
    expect(sleeps).toHaveLength(30);
    // Grows, then stays at the cap: without it, 0.2 s·2^29 exceeds setTimeout's range (1 ms).
    for (let i = 1; i < sleeps.length; i++)
      expect(sleeps[i]).toBeGreaterThanOrEqual(sleeps[i - 1]!);
    expect(sleeps.slice(0, 3)).toEqual([200, 400, 800]);
    expect(Math.max(...sleeps)).toBe(60_000);
    expect(sleeps.at(-1)).toBe(60_000);
  });

  it('caps a huge retryAfterMax to the retry-delay limit', async () => {
    const sleeps: number[] = [];
    const sender = new Sender({
      sleep: async (ms) => void sleeps.push(ms),
      limits: { maxRetryDelayMs: 5_000 },
      features: () => ({ deliveryTimeout: true, deliveryRetryAfter: true }),
    });
    const sub = await server((_r, i) =>
      i === 0 ? { status: 503, headers: { 'retry-after': '999999999' } } : { status: 202 },
    );
    await sender.send(event, sub.url, {
      config: compileDelivery({ retry: 1, retryAfterMax: 'P100000D' }),
    });
    await sender.close();
    expect(sleeps).toEqual([5_000]);
  });

  it('gives every attempt the default timeout when delivery.timeout is unset', async () => {
    const sender = new Sender({ limits: { defaultAttemptTimeoutMs: 150 } });
    const sub = await server(() => ({ status: 202, delayMs: 5_000 }));
    const started = Date.now();
    const result = await sender.send(event, sub.url, { config: compileDelivery({}) });
    await sender.close();
    expect(result).toMatchObject({ ok: false, error: { code: 'DELIVERY_ERR_TIMEOUT' } });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('ignores delivery.timeout when delivery-timeout is disabled', async () => {
    const sender = new Sender({
      limits: { defaultAttemptTimeoutMs: 2_000 },
      features: () => ({ deliveryTimeout: false, deliveryRetryAfter: false }),
    });
    const sub = await server(() => ({ status: 202, delayMs: 300 }));
    const result = await sender.send(event, sub.url, {
      config: compileDelivery({ timeout: 'PT0.05S' }),
    });
    await sender.close();
    expect(result.ok).toBe(true);
  });

  it('stops retrying a hung subscriber at the dispatch deadline, then dead-letters', async () => {
    const outcomes: DeliveryOutcome[] = [];
    const sender = new Sender({ observer: (o) => outcomes.push(o) });
    const hung = await server(() => ({ status: 202, delayMs: 10_000 }));
    const dls = await server();
    const config = compileDelivery({
      retry: 10,
      timeout: 'PT0.2S',
      backoffPolicy: 'linear',
      backoffDelay: 'PT0.05S',
    });
    const result = await sender.dispatch(event, {
      subscriber: hung.url,
      deadLetterSink: dls.url,
      config,
      deadlineMs: 700,
    });
    await sender.close();
    expect(result).toMatchObject({
      ok: true,
      deadLettered: true,
      error: { code: 'DELIVERY_ERR_DEADLINE_EXCEEDED' },
    });
    const attempts = outcomes.filter((o) => o.role === 'subscriber');
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts.length).toBeLessThanOrEqual(4);
    expect(dls.requests).toHaveLength(1);
  });

  it('an aborted dispatch stops the attempt in flight and retries no more, without dead-lettering', async () => {
    const outcomes: DeliveryOutcome[] = [];
    const sender = new Sender({ observer: (o) => outcomes.push(o) });
    const hung = await server(() => ({ status: 202, delayMs: 10_000 }));
    const dls = await server();
    const caller = new AbortController();
    setTimeout(() => caller.abort(), 150);
    const started = Date.now();
    const result = await sender.dispatch(event, {
      subscriber: hung.url,
      deadLetterSink: dls.url,
      config: compileDelivery({ retry: 5, timeout: 'PT5S' }),
      signal: caller.signal,
    });
    await sender.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result).toMatchObject({ ok: false, error: { code: 'DELIVERY_ERR_ABORTED' } });
    expect(outcomes).toHaveLength(1);
    expect(dls.requests).toHaveLength(0);
  });

  it('an abort during the backoff wait ends it at once', async () => {
    const sender = new Sender();
    const failing = await server(() => ({ status: 500 }));
    const caller = new AbortController();
    setTimeout(() => caller.abort(), 100);
    const started = Date.now();
    const result = await sender.send(event, failing.url, {
      config: compileDelivery({ retry: 3, backoffPolicy: 'linear', backoffDelay: 'PT10S' }),
      signal: caller.signal,
    });
    await sender.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result.ok).toBe(false);
    expect(failing.requests.length).toBeLessThanOrEqual(2);
  });
});

/** A port nothing listens on: bind, read the port, close. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('Sender request headers', () => {
  class Recording implements HttpTransport {
    readonly requests: HttpRequest[] = [];
    async post(req: HttpRequest): Promise<HttpResponse> {
      this.requests.push(req);
      return { status: 202, headers: {}, body: new Uint8Array() };
    }
    async close(): Promise<void> {}
  }
  const config = compileDelivery({});
  const other: CloudEvent = { attributes: { ...event.attributes, id: 'e2' } };

  it("shares one header object across a fan-out of one event with one request's headers", async () => {
    const transport = new Recording();
    const sender = new Sender({ transport });
    const incoming = { 'x-request-id': 'r', 'ce-id': 'not forwarded' };
    await Promise.all(
      ['http://a/', 'http://b/'].map((subscriber) =>
        sender.dispatch(event, { subscriber, config, headers: incoming, namespace: 'ns' }),
      ),
    );
    const [a, b] = transport.requests;
    expect(a?.headers).toBe(b?.headers);
    expect(a?.headers).toMatchObject({
      'x-request-id': 'r',
      'kn-namespace': 'ns',
      prefer: 'reply',
      'ce-id': 'e1',
    });
    expect(Object.isFrozen(a?.headers)).toBe(true);
  });

  it('makes other headers for another event, another role, or headers that are not shared', async () => {
    const transport = new Recording();
    const sender = new Sender({ transport });
    const shared = Object.freeze({ 'x-request-id': 'r' });
    await sender.send(event, 'http://a/', { config, headers: shared });
    await sender.send(other, 'http://a/', { config, headers: shared });
    await sender.send(event, 'http://a/', { config, headers: shared, role: 'reply' });
    const mutable = { 'x-request-id': 'm' };
    await sender.send(event, 'http://a/', { config, headers: mutable });
    mutable['x-request-id'] = 'changed';
    await sender.send(event, 'http://a/', { config, headers: mutable });
    const [first, second, reply, before, after] = transport.requests.map((r) => r.headers);
    expect(second).not.toBe(first);
    expect(second?.['ce-id']).toBe('e2');
    expect(reply).not.toHaveProperty('prefer');
    expect(reply?.['x-request-id']).toBe('r');
    expect(before?.['x-request-id']).toBe('m');
    expect(after?.['x-request-id']).toBe('changed');
  });
});
