import {
  Admission,
  Sender,
  startEventReceiver,
  UndiciTransport,
  type EventReceiver,
  type HttpTransport,
} from '@knative-ts/delivery';
import { startEventServer, type EventServer } from '@knative-ts/delivery/testing';
import { createLogger, Registry } from '@knative-ts/runtime';
import { BrokerTable } from './broker-table.js';
import { createIngressHandler } from './ingress-handler.js';
import { IngressMetrics } from './metrics.js';

const log = createLogger({ component: 'test', level: 'silent' });
const NOW = Date.parse('2024-05-01T10:00:00.000Z');
const binary = {
  'ce-specversion': '1.0',
  'ce-id': 'e1',
  'ce-source': '/src',
  'ce-type': 'com.example.t',
  'ce-myext': 'keep',
  'content-type': 'text/plain',
};

describe('broker-ingress handler', () => {
  let channel: EventServer;
  let channelAnswer = 202;
  let receiver: EventReceiver;
  let registry: Registry;
  const transport: HttpTransport = new UndiciTransport();
  const table = new BrokerTable();
  let url: string;

  const post = (path: string, headers: Record<string, string> = binary, body = 'hello') =>
    fetch(`${url}${path}`, { method: 'POST', headers, body });
  const counted = async (labels: Record<string, string>) => {
    const metric =
      (await registry.getSingleMetric('mt_broker_ingress_event_count')?.get())?.values ?? [];
    return metric.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value;
  };

  beforeAll(async () => {
    channel = await startEventServer(() => ({ status: channelAnswer }));
    table.set({ namespace: 'ns', name: 'default', channelAddress: channel.url });
    table.set({ namespace: 'ns', name: 'pending' });
    table.set({ namespace: 'ns', name: 'dead', channelAddress: 'http://127.0.0.1:1/' });
    registry = new Registry();
    const metrics = new IngressMetrics({
      registry,
      podName: 'pod',
      containerName: 'ingress',
      uniqueName: 'pod-1',
    });
    const handler = createIngressHandler({
      brokers: table,
      sender: new Sender({ transport }),
      forwardTimeoutMs: 5_000,
      admission: new Admission({ maxEvents: 100, maxBytes: 1 << 20, retryAfterSeconds: 1 }),
      maxBodyBytes: 256,
      maxTtl: 255,
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
    await channel.close();
    await transport.close();
  });
  beforeEach(() => {
    channel.requests.length = 0;
    channelAnswer = 202;
  });

  it('forwards an accepted event in binary mode with arrival time and TTL 255, relaying 202', async () => {
    const res = await post('/ns/default', { ...binary, 'x-request-id': 'r1', 'x-custom': 'drop' });
    expect(res.status).toBe(202);
    expect(channel.requests).toHaveLength(1);
    const got = channel.requests[0]!;
    expect(got.headers).toMatchObject({
      'ce-specversion': '1.0',
      'ce-id': 'e1',
      'ce-source': '/src',
      'ce-type': 'com.example.t',
      'ce-myext': 'keep',
      'ce-knativearrivaltime': '2024-05-01T10:00:00.000Z',
      'ce-knativebrokerttl': '255',
      'content-type': 'text/plain',
      'x-request-id': 'r1',
    });
    expect(got.headers).not.toHaveProperty('x-custom');
    expect(got.headers).not.toHaveProperty('prefer');
    expect(new TextDecoder().decode(got.body)).toBe('hello');
    expect(
      await counted({ broker_name: 'default', event_type: 'com.example.t', response_code: '202' }),
    ).toBe(1);
  });

  it('accepts structured mode and forwards binary', async () => {
    const body = JSON.stringify({
      specversion: '1.0',
      id: 's1',
      source: '/src',
      type: 't',
      datacontenttype: 'application/json',
      data: { a: 1 },
    });
    const res = await post('/ns/default', { 'content-type': 'application/cloudevents+json' }, body);
    expect(res.status).toBe(202);
    expect(channel.requests[0]?.headers).toMatchObject({
      'ce-id': 's1',
      'content-type': 'application/json',
    });
    expect(JSON.parse(new TextDecoder().decode(channel.requests[0]?.body))).toEqual({ a: 1 });
  });

  it.each([
    ['a reply re-entering (TTL 255)', '255', 202, '254'],
    ['the last allowed hop (TTL 2)', '2', 202, '1'],
    ['an exhausted event (TTL 1)', '1', 400, undefined],
    ['a TTL of 0', '0', 400, undefined],
    ['a TTL that is not a number (reset)', 'x', 202, '255'],
  ])('handles %s', async (_name, ttl, status, forwarded) => {
    const res = await post('/ns/default', { ...binary, 'ce-knativebrokerttl': ttl });
    expect(res.status).toBe(status);
    expect(channel.requests[0]?.headers['ce-knativebrokerttl']).toBe(forwarded);
  });

  it.each([
    ['GET', 405],
    ['PUT', 405],
    ['DELETE', 405],
    ['PATCH', 405],
    ['OPTIONS', 200],
  ])('answers %s with %s', async (method, status) => {
    const res = await fetch(`${url}/ns/default`, { method });
    expect(res.status).toBe(status);
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
  });

  it.each([
    ['/', 404],
    ['/ns/unknown', 404],
    ['/ns', 400],
    ['/ns/default/extra', 400],
  ])('answers POST %s with %s', async (path, status) => {
    expect((await post(path)).status).toBe(status);
    expect(channel.requests).toHaveLength(0);
  });

  it.each([
    ['missing ce-id', { ...binary, 'ce-id': '' }, 'x', 400],
    ['no CloudEvent', { 'content-type': 'text/plain' }, 'x', 400],
    ['invalid structured JSON', { 'content-type': 'application/cloudevents+json' }, '{', 400],
    ['a body over the limit', binary, 'x'.repeat(257), 413],
  ])('refuses %s', async (_name, headers, body, status) => {
    expect((await post('/ns/default', headers, body)).status).toBe(status);
    expect(channel.requests).toHaveLength(0);
  });

  it('answers 500 for a broker without a trigger channel address yet (Knative)', async () => {
    expect((await post('/ns/pending')).status).toBe(500);
  });

  it('answers 500 when the trigger channel is unreachable', async () => {
    expect((await post('/ns/dead')).status).toBe(500);
  });

  it.each([
    [200, 200],
    [503, 500],
    [404, 500],
  ])('maps a channel answer %s to %s', async (answer, status) => {
    channelAnswer = answer;
    expect((await post('/ns/default')).status).toBe(status);
  });
});
