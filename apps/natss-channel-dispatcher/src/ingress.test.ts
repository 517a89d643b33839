import { request } from 'node:http';
import {
  Admission,
  ChannelTable,
  startEventReceiver,
  type CloudEvent,
  type EventReceiver,
} from '@knative-ts/delivery';
import { createLogger } from '@knative-ts/runtime';
import type { JetStreamChannelConfig } from './channel-config.js';
import { createIngressHandler } from './ingress.js';
import type { PublishResult } from './publisher.js';

// The receiver on a real port; JetStream replaced by a scripted publisher.
const table = new ChannelTable<JetStreamChannelConfig>();
table.set({
  kind: 'NatssChannel',
  namespace: 'ns',
  name: 'orders',
  host: 'orders-kn-channel.ns.svc.cluster.local',
  stream: 'KN_NS__ORDERS',
  subject: 'ns.orders._knative',
  ordered: false,
  subscribers: [],
  rejected: [],
});
const published: Array<[string, string, CloudEvent]> = [];
let answer: PublishResult = { ok: true, duplicate: false, seq: 1 };
const rejected: Array<[string, number]> = [];
let receiver: EventReceiver;

beforeAll(async () => {
  receiver = await startEventReceiver({
    port: 0,
    handler: createIngressHandler({
      table,
      publisher: {
        publish: async (stream, subject, event) => {
          published.push([stream, subject, event]);
          return answer;
        },
      },
      maxBodyBytes: 1024,
      log: createLogger({ component: 'test', level: 'silent' }),
      metrics: { rejected: (ns, status) => void rejected.push([ns, status]) },
      admission: new Admission({ maxEvents: 100, maxBytes: 1 << 20, retryAfterSeconds: 1 }),
    }),
    onError: (err) => {
      throw err;
    },
  });
});
afterAll(() => receiver.close());

function post(path: string, headers: Record<string, string>, body: string, method = 'POST') {
  return new Promise<{ status: number; headers: Record<string, unknown> }>((ok, fail) => {
    const req = request(
      { host: '127.0.0.1', port: receiver.port, path, method, headers },
      (res) => {
        res.resume();
        res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers }));
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

const event = {
  host: 'orders-kn-channel.ns.svc.cluster.local',
  'content-type': 'text/plain',
  'ce-specversion': '1.0',
  'ce-id': 'e1',
  'ce-source': '/test',
  'ce-type': 'com.example.test',
};

describe('ingress', () => {
  it('publishes to the channel’s stream and answers 202 once stored', async () => {
    answer = { ok: true, duplicate: false, seq: 1 };
    expect((await post('/', event, 'hi')).status).toBe(202);
    const [stream, subject, e] = published.at(-1) ?? [];
    expect([stream, subject, e?.attributes['id']]).toEqual([
      'KN_NS__ORDERS',
      'ns.orders._knative',
      'e1',
    ]);
  });

  it.each<[string, PublishResult, number]>([
    ['a duplicate JetStream already holds', { ok: true, duplicate: true, seq: 1 }, 202],
    ['JetStream cannot store it', { ok: false, status: 503, message: 'no stream' }, 503],
  ])('answers %s with %i', async (_case, result, status) => {
    answer = result;
    const res = await post('/ns/orders', event, 'hi');
    expect(res.status).toBe(status);
    if (status !== 202) expect(res.headers['retry-after']).toBe('1');
  });

  it.each<[string, string, Record<string, string>, string, number]>([
    ['GET', 'GET', event, '', 405],
    ['unknown channel', 'POST', event, 'x', 404],
    ['bad path', 'POST', event, 'x', 400],
    ['no ce-id', 'POST', { ...event, 'ce-id': '' }, 'x', 400],
    ['too large', 'POST', event, 'x'.repeat(2000), 413],
  ])('refuses %s before publishing', async (name, method, headers, body, status) => {
    const before = published.length;
    const path = name === 'unknown channel' ? '/ns/nope' : name === 'bad path' ? '/a/b/c' : '/';
    const clean = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== ''));
    expect((await post(path, clean, body, method)).status).toBe(status);
    expect(published.length).toBe(before);
  });
});
