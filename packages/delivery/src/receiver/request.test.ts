import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sequentialRequest } from '../testing/sequential-client.js';
import { writeTooLarge } from './oversized.js';
import { answerNonPost, readEvent, writeRefusal, writeText } from './request.js';
import { startEventReceiver, type EventReceiver } from './server.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(
  port: number,
  method: string,
  headers: Record<string, string> = {},
  body = '',
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path: '/', headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

const binary = { 'ce-specversion': '1.0', 'ce-id': '1', 'ce-source': '/s', 'ce-type': 't' };

describe('receiver request rules', () => {
  let withOptions: EventReceiver;
  let withoutOptions: EventReceiver;
  const errors: unknown[] = [];

  const handler =
    (options: boolean) =>
    async (
      req: Parameters<Parameters<typeof startEventReceiver>[0]['handler']>[0],
      res: Parameters<Parameters<typeof startEventReceiver>[0]['handler']>[1],
    ): Promise<void> => {
      if (answerNonPost(req, res, { options })) return;
      if (req.headers['x-throw'] !== undefined) throw new Error('handler bug');
      const reading = await readEvent(req, 16);
      if (!reading.ok) return writeRefusal(res, reading);
      writeText(res, 202, reading.event.attributes['id'] ?? '');
    };

  beforeAll(async () => {
    const onError = (err: unknown): void => void errors.push(err);
    withOptions = await startEventReceiver({
      port: 0,
      host: '127.0.0.1',
      handler: handler(true),
      onError,
    });
    withoutOptions = await startEventReceiver({
      port: 0,
      host: '127.0.0.1',
      handler: handler(false),
      onError,
    });
  });
  afterAll(async () => {
    await withOptions.close();
    await withoutOptions.close();
  });

  it.each(['GET', 'PUT', 'DELETE', 'PATCH'])('answers %s with 405 and Allow', async (method) => {
    const res = await call(withOptions.port, method);
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('POST, OPTIONS');
    expect((await call(withoutOptions.port, method)).headers['allow']).toBe('POST');
  });

  it('answers OPTIONS with 200 and the webhook headers on ingress endpoints', async () => {
    const res = await call(withOptions.port, 'OPTIONS');
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({
      allow: 'POST, OPTIONS',
      'webhook-allowed-origin': '*',
      'webhook-allowed-rate': '*',
    });
  });

  it('answers OPTIONS with 405 where OPTIONS is not supported (broker-filter)', async () => {
    const res = await call(withoutOptions.port, 'OPTIONS');
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('POST');
  });

  it.each([
    ['a valid binary event', binary, 'hi', 202, '1'],
    ['a missing ce-id', { ...binary, 'ce-id': '' }, '', 400, 'empty-attribute'],
    ['no CloudEvent at all', { 'content-type': 'text/plain' }, 'x', 400, 'not-a-cloudevent'],
    [
      'a non-JSON structured format',
      { 'content-type': 'application/cloudevents+xml' },
      '<x/>',
      415,
      'unsupported-format',
    ],
    ['a body over the limit', binary, 'x'.repeat(17), 413, 'body-too-large'],
  ])('POST with %s → %s', async (_name, headers, body, status, text) => {
    const res = await call(withOptions.port, 'POST', headers, body);
    expect(res.status).toBe(status);
    expect(res.body).toContain(text);
  });

  it('refuses a declared Content-Length over the limit before reading', async () => {
    const res = await call(
      withOptions.port,
      'POST',
      { ...binary, 'content-length': '17' },
      'x'.repeat(17),
    );
    expect(res.status).toBe(413);
    expect(res.headers['connection']).toBe('close');
  });

  it('answers 500 when a handler throws and reports the error', async () => {
    const res = await call(withOptions.port, 'POST', { ...binary, 'x-throw': '1' }, '');
    expect(res.status).toBe(500);
    expect(errors).toHaveLength(1);
  });

  it.each<[string, string[], string]>([
    ['ce-id twice', ['ce-id', 'a', 'ce-id', 'a'], 'duplicate-attribute'],
    ['ce-id in two spellings', ['ce-id', 'a', 'CE-ID', 'b'], 'duplicate-attribute'],
    [
      'Content-Type twice',
      ['content-type', 'text/plain', 'content-type', 'text/html'],
      'duplicate-header',
    ],
  ])(
    'refuses %s with 400 (Node would join or drop the repeat)',
    async (_name, repeated, reason) => {
      const once = (Object.entries(binary) as Array<[string, string]>).filter(
        ([n]) => !repeated.some((r) => r.toLowerCase() === n),
      );
      const pairs: Array<[string, string]> = [];
      for (let i = 0; i < repeated.length; i += 2) {
        pairs.push([repeated[i] ?? '', repeated[i + 1] ?? '']);
      }
      const res = await sequentialRequest({
        port: withOptions.port,
        headers: [...once, ...pairs],
        bodyBytes: 0,
      });
      expect(res.status).toBe(400);
      expect(res.body).toContain(reason);
    },
  );

  const lines = Object.entries(binary) as Array<[string, string]>;
  it.each([
    ['a declared Content-Length', false],
    ['a chunked body', true],
  ])(
    'lets a client that writes all before reading read the 413 for 10× the limit: %s',
    async (_name, chunked) => {
      const res = await sequentialRequest({
        port: withOptions.port,
        headers: lines,
        bodyBytes: 160,
        chunked,
      });
      expect(res).toMatchObject({ status: 413, bodyBytesSent: 160 });
      expect(res.error).toBeUndefined();
      expect(res.headers['connection']).toBe('close');
      expect(res.body).toContain('body-too-large');
    },
  );

  it('answers Expect: 100-continue over the limit with 413 before the body is sent', async () => {
    const res = await sequentialRequest({
      port: withOptions.port,
      headers: lines,
      bodyBytes: 17,
      expectContinue: true,
    });
    expect(res).toMatchObject({ status: 413, continues: 0, bodyBytesSent: 0 });
  });

  it('sends 100 Continue when the body is wanted, and keeps the connection', async () => {
    const res = await sequentialRequest({
      port: withOptions.port,
      headers: lines,
      bodyBytes: 3,
      expectContinue: true,
    });
    expect(res).toMatchObject({ status: 202, continues: 1, bodyBytesSent: 3 });
    expect(res.headers['connection']).not.toBe('close');
  });

  it('closes an Expect: 100-continue request answered without reading its body', async () => {
    const res = await sequentialRequest({
      port: withOptions.port,
      headers: [...lines, ['x-throw', '1']],
      bodyBytes: 3,
      expectContinue: true,
    });
    expect(res).toMatchObject({ status: 500, continues: 0, bodyBytesSent: 0 });
    expect(res.headers['connection']).toBe('close');
    errors.length = 0;
  });
});

describe('writeTooLarge drain bounds', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((req, res) =>
      writeTooLarge(res, 'too large', { maxBytes: 256 * 1024, timeoutMs: 60_000 }),
    );
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  it('drains a body within the bound, then answers', async () => {
    const res = await sequentialRequest({ port, headers: [], bodyBytes: 200 * 1024 });
    expect(res).toMatchObject({ status: 413, body: 'too large' });
    expect(res.error).toBeUndefined();
  });

  it('gives up past the bound and drops the connection', async () => {
    const res = await sequentialRequest({ port, headers: [], bodyBytes: 64 * 1024 * 1024 });
    expect(res.bodyBytesSent).toBeLessThan(64 * 1024 * 1024);
    expect(res.error).toMatch(/EPIPE|ECONNRESET/);
  });
});
