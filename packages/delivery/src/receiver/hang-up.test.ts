import { getEventListeners } from 'node:events';
import { createServer, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { abortOnHangUp } from './hang-up.js';

/** A server that hands each request's hang-up signal to the test and answers on demand. */
async function startServer(): Promise<{
  server: Server;
  port: number;
  next: () => Promise<{ signal: AbortSignal; res: ServerResponse }>;
}> {
  const waiting: Array<(r: { signal: AbortSignal; res: ServerResponse }) => void> = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => waiting.shift()?.({ signal: abortOnHangUp(res), res }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    next: () => new Promise((r) => waiting.push(r)),
  };
}

describe('abortOnHangUp', () => {
  let target: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    target = await startServer();
  });
  afterAll(async () => {
    target.server.closeAllConnections();
    await new Promise((r) => target.server.close(r));
  });

  it('aborts when the client closes its connection before the answer', async () => {
    const arrived = target.next();
    const client = request({ port: target.port, method: 'POST', path: '/' });
    client.on('error', () => {});
    client.end('x');
    const { signal } = await arrived;
    expect(signal.aborted).toBe(false);
    const aborted = new Promise((r) => signal.addEventListener('abort', r, { once: true }));
    client.destroy();
    await aborted;
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('the client closed the connection');
  });

  it('gives the requests of one keep-alive connection one signal, unaborted, without listeners', async () => {
    const agent = new Agent({ connections: 1 });
    const signals: AbortSignal[] = [];
    for (let i = 0; i < 3; i++) {
      const arrived = target.next();
      const sent = agent.request({
        origin: `http://127.0.0.1:${target.port}`,
        path: '/',
        method: 'POST',
        body: 'x',
      });
      const { signal, res } = await arrived;
      signals.push(signal);
      res.writeHead(202).end();
      await (await sent).body.dump();
    }
    expect(new Set(signals).size).toBe(1);
    const [signal] = signals;
    expect(signal?.aborted).toBe(false);
    // Nothing is left listening on the shared signal from the answered requests.
    expect(getEventListeners(signal as AbortSignal, 'abort')).toHaveLength(0);
    await agent.close();
  });

  it('gives a new connection a signal of its own', async () => {
    const first = target.next();
    const a = request({ port: target.port, method: 'POST', path: '/', agent: false });
    a.on('error', () => {});
    a.end('x');
    // b only once a's request is in: the server hands signals out in arrival order.
    const one = await first;
    const second = target.next();
    const b = request({ port: target.port, method: 'POST', path: '/', agent: false });
    b.on('error', () => {});
    b.end('x');
    const two = await second;
    expect(one.signal).not.toBe(two.signal);
    a.destroy();
    await new Promise((r) => one.signal.addEventListener('abort', r, { once: true }));
    expect(two.signal.aborted).toBe(false);
    b.destroy();
  });
});
