/**
 * The event receiver's HTTP server. Closing it drains: no new connections, requests in
 * progress (synchronous fan-outs included) finish, idle keep-alive sockets are closed, then
 * the asynchronous fan-outs still running are awaited.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InFlight } from './in-flight.js';

export interface Receiver {
  port: number;
  close(): Promise<void>;
}

/** Listens on `port` (0 = any free port) on every interface. */
export async function startReceiver(
  port: number,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  inFlight: InFlight,
): Promise<Receiver> {
  const server = createServer({ keepAliveTimeout: 30_000 }, handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      const closed = new Promise<void>((resolve, reject) =>
        server.close((err) => (err ? reject(err) : resolve())),
      );
      // Sockets become idle as their last response is sent; close them as they do.
      const reaper = setInterval(() => server.closeIdleConnections(), 50);
      try {
        server.closeIdleConnections();
        await closed;
      } finally {
        clearInterval(reaper);
      }
      await inFlight.drain();
    },
  };
}
