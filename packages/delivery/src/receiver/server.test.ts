import { startEventReceiver, type EventReceiver } from './server.js';

/** A receiver whose handler answers 500 after the delay the request asks for (x-delay). */
async function startDelayed(): Promise<{ receiver: EventReceiver; url: string }> {
  const receiver = await startEventReceiver({
    port: 0,
    host: '127.0.0.1',
    handler: async (req, res) => {
      for await (const _chunk of req) {
        // Read the body to its end.
      }
      await new Promise((r) => setTimeout(r, Number(req.headers['x-delay'])));
      if (res.destroyed) return;
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('late');
    },
    onError: () => {},
  });
  return { receiver, url: `http://127.0.0.1:${receiver.port}/` };
}

const post = (url: string, delayMs: number, signal?: AbortSignal) =>
  fetch(url, { method: 'POST', body: 'x', headers: { 'x-delay': String(delayMs) }, signal });

describe('EventReceiver.close', () => {
  it('closes a reused connection whose last request the client abandoned, without waiting for its keep-alive', async () => {
    const { receiver, url } = await startDelayed();
    // Three answered requests on one keep-alive connection, then one the client abandons.
    for (const delay of [10, 20, 30])
      expect((await (await post(url, delay)).text()).length).toBe(4);
    const caller = new AbortController();
    setTimeout(() => caller.abort(), 50);
    await expect(post(url, 300, caller.signal)).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 400));
    const started = Date.now();
    await receiver.close();
    // Node's own idle tracking kept this connection until the 30 s keep-alive ran out.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('waits for a request in progress, whose answer arrives whole', async () => {
    const { receiver, url } = await startDelayed();
    const inFlight = post(url, 300);
    await new Promise((r) => setTimeout(r, 100));
    const closing = receiver.close();
    const res = await inFlight;
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('late');
    await closing;
  });
});
