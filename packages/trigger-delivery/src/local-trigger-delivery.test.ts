import {
  decodeBrokerFilterError,
  Sender,
  type CloudEvent,
  type HttpResponse,
} from '@knative-ts/delivery';
import {
  startEventServer,
  type EventServer,
  type ScriptedResponse,
} from '@knative-ts/delivery/testing';
import { createLogger } from '@knative-ts/runtime';
import { localTriggerDelivery } from './local-trigger-delivery.js';
import type { FilterRecorder } from './trigger-delivery.js';
import { TriggerTable, type TriggerEntry } from './trigger-table.js';

const log = createLogger({ component: 'test', level: 'silent' });
const enc = new TextEncoder();
const dec = new TextDecoder();
const FILTER = 'broker-filter.knative-eventing.svc.cluster.local';
const uri = (ns: string, name: string, uid: string, host = FILTER) =>
  `http://${host}/triggers/${ns}/${name}/${uid}`;
const event = (attributes: Record<string, string> = {}): CloudEvent => ({
  attributes: {
    specversion: '1.0',
    id: 'e1',
    source: '/src',
    type: 'com.example.match',
    knativebrokerttl: '254',
    ...attributes,
  },
  data: enc.encode('hi'),
});

describe('localTriggerDelivery', () => {
  let subscriber: EventServer;
  let answer: ScriptedResponse;
  const sender = new Sender();
  const table = new TriggerTable();
  const counted: number[] = [];
  const metrics: FilterRecorder = {
    counted: (_r, status) => void counted.push(status),
    dispatched: () => {},
    processed: () => {},
  };
  const local = localTriggerDelivery({
    brokerFilterHost: FILTER,
    triggers: table,
    brokers: { timeoutOf: () => undefined },
    sender,
    metrics,
    log,
  });
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
  const call = async (url: string, e: CloudEvent = event()): Promise<HttpResponse> => {
    const destination = local(url);
    if (destination === undefined) throw new Error(`${url} is not served in-process`);
    return destination({
      event: e,
      headers: { 'x-request-id': 'r' },
      signal: new AbortController().signal,
    });
  };

  beforeAll(async () => {
    subscriber = await startEventServer(() => answer);
    table.set(entry('tr'));
    table.set(entry('unresolved', { subscriberUri: undefined }));
  });
  afterAll(async () => {
    await subscriber.close();
    await sender.close();
  });
  beforeEach(() => {
    subscriber.requests.length = 0;
    counted.length = 0;
    answer = { status: 202 };
  });

  it.each([
    ['a known Trigger with its UID', uri('ns', 'tr', 'uid-tr'), true],
    ['a Trigger with another UID (recreated)', uri('ns', 'tr', 'uid-old'), false],
    ['an unknown Trigger', uri('ns', 'nope', 'uid-nope'), false],
    ['another host', uri('ns', 'tr', 'uid-tr', 'broker-filter.other.svc.cluster.local'), false],
    ['not a subscriber path', `http://${FILTER}/triggers/ns/tr/uid-tr/reply`, false],
    ['a plain sink', 'http://sink.ns.svc.cluster.local/', false],
  ])('serves %s in-process: %s', (_case, url, served) => {
    expect(local(url) !== undefined).toBe(served);
  });

  it('delivers a matching event to the subscriber without the TTL, as broker-filter does', async () => {
    const res = await call(uri('ns', 'tr', 'uid-tr'));
    expect(res.status).toBe(202);
    expect(subscriber.requests).toHaveLength(1);
    const got = subscriber.requests[0]!;
    expect(got.headers).toMatchObject({
      'ce-id': 'e1',
      prefer: 'reply',
      'kn-namespace': 'ns',
      'x-request-id': 'r',
    });
    expect(got.headers).not.toHaveProperty('ce-knativebrokerttl');
    expect(counted).toEqual([202]);
  });

  it.each([
    ['the filter rejects the event', 'tr', event({ type: 'other' }), 200, ''],
    ['the event has no TTL', 'tr', event({ knativebrokerttl: 'x' }), 400, 'knativebrokerttl'],
    ['the subscriber is not resolved', 'unresolved', event(), 404, 'no resolved subscriber'],
  ])('answers without a request when %s', async (_case, name, e, status, text) => {
    const res = await call(uri('ns', name, `uid-${name}`), e);
    expect(res.status).toBe(status);
    expect(dec.decode(res.body)).toContain(text);
    expect(subscriber.requests).toHaveLength(0);
  });

  it('answers a reply with 200, the reply in binary mode and the TTL restored', async () => {
    answer = {
      status: 200,
      headers: { 'ce-specversion': '1.0', 'ce-id': 'r1', 'ce-source': '/sub', 'ce-type': 'reply' },
      body: 'pong',
    };
    const res = await call(uri('ns', 'tr', 'uid-tr'));
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({ 'ce-id': 'r1', 'ce-knativebrokerttl': '254' });
    expect(dec.decode(res.body)).toBe('pong');
  });

  it("answers a failure with the subscriber's status and error body, for the dead letter", async () => {
    answer = { status: 500, body: 'boom' };
    const res = await call(uri('ns', 'tr', 'uid-tr'));
    expect(res.status).toBe(500);
    const decoded = decodeBrokerFilterError(res.body);
    expect(decoded?.destination).toBe(subscriber.url);
    expect(dec.decode(decoded?.body)).toBe('boom');
  });

  it("keeps to the channel attempt's deadline: a slow subscriber is cut off by it", async () => {
    answer = { status: 202, delayMs: 2_000 };
    const destination = local(uri('ns', 'tr', 'uid-tr'));
    const started = Date.now();
    const res = await destination!({ event: event(), headers: {}, deadline: started + 100 });
    const took = Date.now() - started;
    // No response in time: broker-filter's 500, well before the subscriber would answer.
    expect(res.status).toBe(500);
    expect(dec.decode(decodeBrokerFilterError(res.body)?.body)).toMatch(/within \d+ ms/);
    expect(took).toBeGreaterThanOrEqual(90);
    expect(took).toBeLessThan(1_500);
  });
});
