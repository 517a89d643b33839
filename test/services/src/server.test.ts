import type { EventReceiver } from '@knative-ts/delivery';
import { createLogger } from '@knative-ts/runtime';
import { createService, type ServiceName } from './services.js';
import { startService } from './server.js';

const log = createLogger({ component: 'test', level: 'silent' });
const headers = {
  'content-type': 'application/json',
  'ce-specversion': '1.0',
  'ce-id': 'e-1',
  'ce-source': '/s',
  'ce-type': 't',
  'ce-time': '2025-01-01T10:02:00.000Z',
};
const env = {
  MESSAGE: ' - Handled by 0',
  FILTER: 'Math.round(Date.parse(event.time) / 60000) % 2 === 0',
  TRANSFORMER: '({"message": "this is even!"})',
};

describe('test services over HTTP', () => {
  const receivers: EventReceiver[] = [];
  const start = async (name: ServiceName) => {
    const service = createService(name, { env, log, print: () => undefined });
    const receiver = await startService({ port: 0, host: '127.0.0.1', service, log });
    receivers.push(receiver);
    return `http://127.0.0.1:${receiver.port}`;
  };
  const post = (url: string, h: Record<string, string>, body = '{"message":"hi"}') =>
    fetch(url, { method: 'POST', headers: h, body });
  afterAll(() => Promise.all(receivers.map((r) => r.close())));

  it.each<[ServiceName, Record<string, string>, number, string]>([
    ['appender', headers, 200, '{"message":"hi - Handled by 0"}'],
    ['filter', headers, 200, '{"message":"hi"}'],
    ['filter', { ...headers, 'ce-time': '2025-01-01T10:03:00.000Z' }, 200, ''],
    ['transformer', headers, 200, '{"message":"this is even!"}'],
    ['event-display', headers, 200, ''],
  ])('%s answers', async (name, h, status, body) => {
    const res = await post(await start(name), h);
    expect(res.status).toBe(status);
    expect(await res.text()).toBe(body);
    if (body !== '') expect(res.headers.get('ce-id')).toBe('e-1');
  });

  it.each([
    ['no ce-id', { ...headers, 'ce-id': '' }, 400],
    ['not an event', { 'content-type': 'text/plain' }, 400],
  ])('refuses %s like every receiver', async (_case, h, status) => {
    const clean = Object.fromEntries(Object.entries(h).filter(([, v]) => v !== ''));
    expect((await post(await start('appender'), clean)).status).toBe(status);
  });

  it('serves what the event display received on GET /events', async () => {
    const url = await start('event-display');
    await post(url, headers);
    const res = await fetch(`${url}/events`);
    expect(await res.json()).toEqual([
      {
        specversion: '1.0',
        id: 'e-1',
        source: '/s',
        type: 't',
        time: '2025-01-01T10:02:00.000Z',
        datacontenttype: 'application/json',
        data: { message: 'hi' },
      },
    ]);
    expect((await fetch(`${url}/other`)).status).toBe(405);
  });

  it('names the missing variable', () => {
    expect(() => createService('filter', { env: {}, log, print: () => undefined })).toThrow(
      'FILTER is required',
    );
  });
});
