import { Admission, startEventReceiver, type EventReceiver } from '@knative-ts/delivery';
import { createLogger } from '@knative-ts/runtime';
import type { ChannelConfig } from './channel-config.js';
import { ChannelTable } from '@knative-ts/delivery';
import { WriteError } from './event-writer.js';
import { createIngressHandler, type Writer } from './ingress.js';
import type { EventRecord } from './kafka-binding.js';

// The receiver on a real port; Kafka is a fake writer whose answer each test sets.
const log = createLogger({ component: 'test', level: 'silent' });
const table = new ChannelTable<ChannelConfig>();
const written: Array<[string, EventRecord]> = [];
const rejected: Array<[string, number]> = [];
let answer: () => Promise<void> = async () => undefined;
let synced = true;
const writer: Writer = {
  write: (topic, record) => {
    written.push([topic, record]);
    return answer();
  },
};
let receiver: EventReceiver;
let base: string;

const channel = (name: string, topicReady = true): ChannelConfig => ({
  namespace: 'ns',
  name,
  uid: `uid-${name}`,
  host: `${name}-kn-channel.ns.svc.cluster.local`,
  topic: `knative-messaging-kafka.ns.${name}`,
  topicReady,
  order: 'ordered',
  subscribers: [],
  rejected: [],
});
const binary = {
  'content-type': 'text/plain',
  'ce-specversion': '1.0',
  'ce-id': 'e1',
  'ce-source': '/test',
  'ce-type': 'com.example.test',
  'ce-partitionkey': 'k1',
};

beforeAll(async () => {
  table.set(channel('ch'));
  table.set(channel('pending', false));
  receiver = await startEventReceiver({
    port: 0,
    handler: createIngressHandler({
      table,
      synced: () => synced,
      writer,
      admission: new Admission({ maxEvents: 100, maxBytes: 1e6, retryAfterSeconds: 1 }),
      maxBodyBytes: 1024,
      log,
      rejected: (ch, status) => void rejected.push([ch.namespace, status]),
    }),
    onError: (err) => {
      throw err;
    },
  });
  base = `http://127.0.0.1:${receiver.port}`;
});
afterAll(() => receiver.close());
beforeEach(() => {
  written.length = 0;
  rejected.length = 0;
  answer = async () => undefined;
  synced = true;
});

const post = (path: string, headers: Record<string, string> = binary, body = 'hi') =>
  fetch(`${base}${path}`, { method: 'POST', headers, body });

describe('KafkaChannel ingress', () => {
  it('writes the event to the channel topic, keyed by partitionkey, and answers 202', async () => {
    const res = await post('/ns/ch');
    expect(res.status).toBe(202);
    expect(written).toHaveLength(1);
    const [topic, record] = written[0] ?? [];
    expect(topic).toBe('knative-messaging-kafka.ns.ch');
    expect(record?.key).toBe('k1');
    expect(record?.headers['ce_id']).toBe('e1');
    expect(record?.value?.toString()).toBe('hi');
  });

  it.each([
    ['Unavailable', 503, undefined],
    ['Overloaded', 503, '1'],
  ] as const)('answers a %s write with %i', async (code, status, retryAfter) => {
    answer = () => Promise.reject(new WriteError(code, 'no'));
    const res = await post('/ns/ch');
    expect(res.status).toBe(status);
    expect(res.headers.get('retry-after') ?? undefined).toBe(retryAfter);
    expect(rejected).toEqual([['ns', status]]);
  });

  it.each([
    ['an unknown channel', '/ns/nope', binary, 404],
    ['a channel whose topic is not created yet', '/ns/pending', binary, 404],
    ['a bad path', '/a/b/c', binary, 400],
    ['a request without CloudEvent headers', '/ns/ch', { 'content-type': 'text/plain' }, 400],
  ])('refuses %s', async (_what, path, headers, status) => {
    expect((await post(path, headers)).status).toBe(status);
    expect(written).toEqual([]);
  });

  it('answers 405 to GET, 413 above the body limit, 503 before the channels are loaded', async () => {
    expect((await fetch(`${base}/ns/ch`)).status).toBe(405);
    expect((await post('/ns/ch', binary, 'x'.repeat(2000))).status).toBe(413);
    synced = false;
    expect((await post('/ns/ch')).status).toBe(503);
    expect(written).toEqual([]);
  });
});
