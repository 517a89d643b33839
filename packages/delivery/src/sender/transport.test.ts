import { getEventListeners } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeliveryError, DeliveryErrorCode } from '../errors.js';
import { UndiciTransport } from './transport.js';

type Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;

/** A loopback server whose handler each test sets; it records what it received. */
async function startServer(): Promise<{
  server: Server;
  url: string;
  handle: (h: Handler) => void;
}> {
  let handler: Handler = (_req, _body, res) => res.writeHead(202).end();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks), res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, handle: (h) => (handler = h) };
}

describe('UndiciTransport', () => {
  let target: Awaited<ReturnType<typeof startServer>>;
  let transport: UndiciTransport;

  beforeAll(async () => {
    target = await startServer();
  });
  afterAll(async () => {
    target.server.closeAllConnections();
    await new Promise((r) => target.server.close(r));
  });
  beforeEach(() => {
    transport = new UndiciTransport({ maxResponseBytes: 64 * 1024 });
  });
  afterEach(async () => {
    await transport.close();
  });
  const postUnder = (signal: AbortSignal) =>
    transport.post({
      url: `${target.url}/`,
      headers: {},
      body: Buffer.from('x'),
      signal,
      timeoutMs: 5_000,
    });

  it('posts the body and headers to the path and query, and returns the whole response', async () => {
    let seen: { method?: string; url?: string; header?: string; body?: string } = {};
    target.handle((req, body, res) => {
      seen = {
        method: req.method,
        url: req.url,
        header: req.headers['ce-id'] as string,
        body: body.toString(),
      };
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.writeHead(200, { 'content-type': 'text/plain', 'ce-id': 'reply-1' });
      // Two writes: the body arrives in more than one chunk.
      res.write('hello, ');
      setTimeout(() => res.end('world'), 10);
    });
    const res = await transport.post({
      url: `${target.url}/in/ns?x=1`,
      headers: { 'ce-id': 'e-1' },
      body: Buffer.from('payload'),
    });
    expect(seen).toEqual({ method: 'POST', url: '/in/ns?x=1', header: 'e-1', body: 'payload' });
    expect(res.status).toBe(200);
    expect(res.headers['ce-id']).toBe('reply-1');
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(Buffer.from(res.body).toString()).toBe('hello, world');
  });

  it.each([
    ['an empty 202', 202, ''],
    ['a 500 with a reason', 500, 'it broke'],
    ['a 429', 429, ''],
  ])('returns %s as a response, not an error', async (_name, status, text) => {
    target.handle((_req, _body, res) => res.writeHead(status).end(text));
    const res = await transport.post({
      url: `${target.url}/`,
      headers: {},
      body: Buffer.from('x'),
    });
    expect(res.status).toBe(status);
    expect(Buffer.from(res.body).toString()).toBe(text);
  });

  it('times out an exchange that does not complete', async () => {
    target.handle((_req, _body, res) => {
      res.writeHead(200);
      res.write('partial');
      // Never ends: only the timeout can settle the exchange.
      setTimeout(() => res.end(), 2_000).unref();
    });
    const started = Date.now();
    const err = await transport
      .post({ url: `${target.url}/`, headers: {}, body: Buffer.from('x'), timeoutMs: 100 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).code).toBe(DeliveryErrorCode.Timeout);
    expect((err as DeliveryError).message).toContain('within 100 ms');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("stops at the caller's abort, before or during the exchange", async () => {
    target.handle((_req, _body, res) => setTimeout(() => res.writeHead(202).end(), 2_000).unref());
    const caller = new AbortController();
    setTimeout(() => caller.abort(new Error('hung up')), 50);
    const during = await transport
      .post({ url: `${target.url}/`, headers: {}, body: Buffer.from('x'), signal: caller.signal })
      .catch((e: unknown) => e);
    expect((during as DeliveryError).code).toBe(DeliveryErrorCode.Aborted);
    const before = await transport
      .post({ url: `${target.url}/`, headers: {}, body: Buffer.from('x'), signal: caller.signal })
      .catch((e: unknown) => e);
    expect((before as DeliveryError).code).toBe(DeliveryErrorCode.Aborted);
  });

  it('refuses a response body above the limit as a transport error', async () => {
    target.handle((_req, _body, res) => res.writeHead(200).end(Buffer.alloc(128 * 1024, 'x')));
    const err = await transport
      .post({ url: `${target.url}/`, headers: {}, body: Buffer.from('x') })
      .catch((e: unknown) => e);
    expect((err as DeliveryError).code).toBe(DeliveryErrorCode.Transport);
  });

  it('reports a refused connection as a transport error naming the URL', async () => {
    const closed = await startServer();
    await new Promise((r) => closed.server.close(r));
    const err = await transport
      .post({ url: `${closed.url}/`, headers: {}, body: Buffer.from('x') })
      .catch((e: unknown) => e);
    expect((err as DeliveryError).code).toBe(DeliveryErrorCode.Transport);
    expect((err as DeliveryError).message).toContain(`request to ${closed.url}/ failed`);
    expect((err as DeliveryError).message).toContain('ECONNREFUSED');
  });

  it('keeps one abort listener per caller signal, however many exchanges it carries', async () => {
    target.handle((_req, _body, res) => res.writeHead(202).end());
    const caller = new AbortController();
    const post = () => postUnder(caller.signal);
    const first = [post(), post(), post()];
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(1);
    await Promise.all(first);
    await Promise.all([post(), post()]);
    // One signal serves every leg of a dispatch: a listener per attempt would pile up.
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(1);
    // The ended exchanges are no longer watched: the abort reaches none of them.
    caller.abort(new Error('late'));
    await expect(post()).rejects.toMatchObject({ code: DeliveryErrorCode.Aborted });
  });

  it('ends every exchange in flight under a signal when it aborts', async () => {
    target.handle(() => undefined); // never answers
    const caller = new AbortController();
    const post = () => postUnder(caller.signal);
    const inFlight = [post(), post()];
    await new Promise((r) => setTimeout(r, 50));
    caller.abort(new Error('hung up'));
    for (const exchange of inFlight) {
      await expect(exchange).rejects.toMatchObject({ code: DeliveryErrorCode.Aborted });
    }
  });
});
