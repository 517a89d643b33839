/**
 * The HTTP server of an event receiver. Handlers are async; one that throws gets a 500 (or
 * a destroyed socket when the answer had started) and the error goes to `onError`. Closing
 * drains: no new connections, requests in progress finish, idle keep-alive sockets close.
 * `Expect: 100-continue` is answered only when the handler reads the body (continue.ts),
 * so an oversized Content-Length gets its 413 before the body is sent.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Connections } from './connections.js';
import { holdContinue } from './continue.js';
import { writeText } from './request.js';

export type EventRequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface EventReceiverOptions {
  /** 0 asks the OS for a free port. */
  port: number;
  /** Defaults to every interface. */
  host?: string;
  handler: EventRequestHandler;
  /** Told about every error a handler threw; must not throw. */
  onError(err: unknown, req: IncomingMessage): void;
  /** Idle keep-alive sockets are closed after this long (default 30 s). */
  keepAliveTimeoutMs?: number;
}

export interface EventReceiver {
  /** The port bound. */
  port: number;
  /** Stops accepting, waits for requests in progress, closes idle sockets. */
  close(): Promise<void>;
}

/** Starts listening; resolves once bound. */
export async function startEventReceiver(options: EventReceiverOptions): Promise<EventReceiver> {
  const { handler, onError } = options;
  const server = createServer(
    { keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000 },
    (req, res) => {
      handler(req, res).catch((err: unknown) => {
        onError(err, req);
        if (!res.headersSent) writeText(res, 500, 'internal error');
        else res.destroy();
      });
    },
  );
  const connections = new Connections(server);
  // With a listener, Node no longer sends 100 Continue by itself nor emits 'request'.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    holdContinue(req, res);
    server.emit('request', req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
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
      const reaper = setInterval(() => connections.closeIdle(), 50);
      try {
        connections.closeIdle();
        await closed;
      } finally {
        clearInterval(reaper);
      }
    },
  };
}
