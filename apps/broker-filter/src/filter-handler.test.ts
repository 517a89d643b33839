import {
  Admission,
  decodeBrokerFilterError,
  Sender,
  startEventReceiver,
  UndiciTransport,
  type CloudEvent,
  type EventReceiver,
} from '@knative-ts/delivery';
import {
  startEventServer,
  type EventServer,
  type ScriptedResponse,
} from '@knative-ts/delivery/testing';
import { createLogger, Registry } from '@knative-ts/runtime';
import { FilterMetrics, TriggerTable, type TriggerEntry } from '@knative-ts/trigger-delivery';
import { createFilterHandler } from './filter-handler.js';

const log = createLogger({ component: 'test', level: 'silent' });
const NOW = Date.parse('2024-05-01T10:00:01.000Z');
const dec = new TextDecoder();
const event = {
  'ce-specversion': '1.0',
  'ce-id': 'e1',
  'ce-source': '/src',
  'ce-type': 'com.example.match',
  'ce-knativebrokerttl': '254',
  'ce-knativearrivaltime': '2024-05-01T10:00:00.000Z',
  'content-type': 'text/plain',
};

describe('broker-filter handler', () => {
  let subscriber: EventServer;
  let answer: ScriptedResponse = { status: 202 };
  let receiver: EventReceiver;
  let registry: Registry;
  let url: string;
  const transport = new UndiciTransport();
  const sender = new Sender({ transport });
  const table = new TriggerTable();
  // Broker "slowbroker" sets a 60 ms timeout that its triggers without one inherit.
  const brokers = { timeoutOf: (_ns: string, b: string) => (b === 'slowbroker' ? 60 : undefined) };

  const entry = (name: string, extra: Partial<TriggerEntry> = {}): TriggerEntry => ({
    namespace: 'ns',
    name,
    uid: `uid-${name}`,
    broker: 'default',
    subscriberUri: subscriber.url,
    matches: (e: CloudEvent) => e.attributes['type'] === 'com.example.match',
    delivery: { retry: 0, format: 'binary' },
    filterType: 'any',
    ...extra,
  });
  const post = (path: string, headers: Record<string, string> = event, body = 'hi') =>
    fetch(`${url}${path}`, { method: 'POST', headers, body });
  const metric = async (name: string) =>
    (await registry.getSingleMetric(name)?.get())?.values ?? [];

  beforeAll(async () => {
    subscriber = await startEventServer(() => answer);
    table.set(entry('tr'));
    table.set(entry('unresolved', { subscriberUri: undefined }));
    table.set(entry('json', { delivery: { retry: 0, format: 'json' } }));
    table.set(entry('dead', { subscriberUri: 'http://127.0.0.1:1/' }));
    table.set(entry('slow', { delivery: { retry: 0, format: 'binary', timeoutMs: 50 } }));
    table.set(entry('inherits', { broker: 'slowbroker' }));
    registry = new Registry();
    const metrics = new FilterMetrics({
      registry,
      podName: 'p',
      containerName: 'filter',
      uniqueName: 'p-1',
    });
    const handler = createFilterHandler({
      triggers: table,
      brokers,
      sender,
      admission: new Admission({ maxEvents: 100, maxBytes: 1 << 20, retryAfterSeconds: 1 }),
      maxBodyBytes: 256,
      metrics,
      log,
      now: () => NOW,
    });
    receiver = await startEventReceiver({
      port: 0,
      host: '127.0.0.1',
      handler,
      onError: (err) => {
        throw err;
      },
    });
    url = `http://127.0.0.1:${receiver.port}`;
  });
  afterAll(async () => {
    await receiver.close();
    await subscriber.close();
    await transport.close();
  });
  beforeEach(() => {
    subscriber.requests.length = 0;
    answer = { status: 202 };
  });

  it('delivers a matching event without the TTL, with Prefer: reply and Kn-Namespace', async () => {
    const res = await post('/triggers/ns/tr/uid-tr', {
      ...event,
      'x-request-id': 'r',
      'x-custom': 'drop',
    });
    expect(res.status).toBe(202);
    expect(await res.text()).toBe('');
    expect(subscriber.requests).toHaveLength(1);
    const got = subscriber.requests[0]!;
    expect(got.headers).toMatchObject({
      'ce-id': 'e1',
      'ce-type': 'com.example.match',
      'ce-knativearrivaltime': '2024-05-01T10:00:00.000Z',
      prefer: 'reply',
      'kn-namespace': 'ns',
      'x-request-id': 'r',
    });
    expect(got.headers).not.toHaveProperty('ce-knativebrokerttl');
    expect(got.headers).not.toHaveProperty('x-custom');
    expect(dec.decode(got.body)).toBe('hi');
    const processing = await metric('mt_broker_filter_event_processing_latencies');
    expect(processing.find((v) => v.labels['le'] === 1000)?.value).toBe(1);
  });

  it('answers 200 empty and delivers nothing when the filter does not match', async () => {
    const res = await post('/triggers/ns/tr/uid-tr', { ...event, 'ce-type': 'other' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expect(subscriber.requests).toHaveLength(0);
  });

  it('answers a reply event with 200, in binary mode, with the TTL restored', async () => {
    answer = {
      status: 200,
      headers: {
        'ce-specversion': '1.0',
        'ce-id': 'r1',
        'ce-source': '/sub',
        'ce-type': 'reply',
        'content-type': 'text/plain',
      },
      body: 'pong',
    };
    const res = await post('/triggers/ns/tr/uid-tr');
    expect(res.status).toBe(200);
    expect(res.headers.get('ce-id')).toBe('r1');
    expect(res.headers.get('ce-knativebrokerttl')).toBe('254');
    expect(await res.text()).toBe('pong');
  });

  it('passes a subscriber failure through with the JSON error body', async () => {
    answer = { status: 503, headers: { 'retry-after': '2' }, body: 'boom' };
    const res = await post('/triggers/ns/tr/uid-tr');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(await res.json()).toEqual({
      errdestination: subscriber.url,
      errresponsebody: 'Ym9vbQ==',
    });
    const counts = await metric('mt_broker_filter_event_count');
    expect(counts.find((v) => v.labels['response_code'] === '503')?.value).toBe(1);
  });

  it('answers 502 for a reply that is not a CloudEvent', async () => {
    answer = { status: 200, headers: { 'content-type': 'text/plain' }, body: 'OK' };
    expect((await post('/triggers/ns/tr/uid-tr')).status).toBe(502);
  });

  it('answers 500 with an error body when the subscriber is unreachable', async () => {
    const res = await post('/triggers/ns/dead/uid-dead');
    expect(res.status).toBe(500);
    const inner = decodeBrokerFilterError(new Uint8Array(await res.arrayBuffer()));
    expect(inner?.destination).toBe('http://127.0.0.1:1/');
  });

  it("applies the trigger's delivery timeout to the single attempt", async () => {
    answer = { status: 202, delayMs: 500 };
    expect((await post('/triggers/ns/slow/uid-slow')).status).toBe(500);
  });

  it("sends in structured mode when the trigger's delivery asks for json", async () => {
    await post('/triggers/ns/json/uid-json');
    expect(subscriber.requests[0]?.headers['content-type']).toMatch(
      /^application\/cloudevents\+json/,
    );
    expect(JSON.parse(dec.decode(subscriber.requests[0]?.body))).not.toHaveProperty(
      'knativebrokerttl',
    );
  });

  const { 'ce-knativebrokerttl': _ttl, ...withoutTtl } = event;
  it.each<[string, number, string, Record<string, string>]>([
    ['an unknown trigger', 404, '/triggers/ns/nope/uid', event],
    ['a UID mismatch', 400, '/triggers/ns/tr/other-uid', event],
    ['a malformed path', 400, '/triggers/ns/tr', event],
    ['the OIDC reply endpoint', 404, '/triggers/ns/tr/uid-tr/reply', event],
    ['an event without TTL', 400, '/triggers/ns/tr/uid-tr', withoutTtl],
    ['a malformed event', 400, '/triggers/ns/tr/uid-tr', { ...event, 'ce-id': '' }],
    ['an unresolved subscriber', 404, '/triggers/ns/unresolved/uid-unresolved', event],
  ])('answers %s with %s', async (_name, status, path, headers) => {
    expect((await post(path, headers)).status).toBe(status);
    expect(subscriber.requests).toHaveLength(0);
  });

  it.each(['GET', 'PUT', 'OPTIONS'])('answers %s with 405 and Allow: POST', async (method) => {
    const res = await fetch(`${url}/triggers/ns/tr/uid-tr`, { method });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('refuses a body over the limit with 413', async () => {
    expect((await post('/triggers/ns/tr/uid-tr', event, 'x'.repeat(300))).status).toBe(413);
  });

  it('inherits the Broker delivery timeout when the Trigger sets none', async () => {
    answer = { status: 202, delayMs: 2_000 };
    const started = Date.now();
    const res = await post('/triggers/ns/inherits/uid-inherits');
    expect(res.status).toBe(500);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('abandons the subscriber attempt when the caller hangs up', async () => {
    answer = { status: 202, delayMs: 1_500 };
    const caller = new AbortController();
    setTimeout(() => caller.abort(), 100);
    await expect(
      fetch(`${url}/triggers/ns/tr/uid-tr`, {
        method: 'POST',
        headers: event,
        body: 'hi',
        signal: caller.signal,
      }),
    ).rejects.toThrow();
    // The subscriber saw the request; the socket to it was closed without waiting.
    await new Promise((r) => setTimeout(r, 200));
    expect(subscriber.requests).toHaveLength(1);
  });
});
