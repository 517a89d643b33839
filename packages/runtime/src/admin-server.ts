import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { RuntimeError, RuntimeErrorCode } from './errors.js';
import type { Logger } from './logger.js';
import type { Readiness } from './readiness.js';

export interface AdminServerOptions {
  /** 0 binds an ephemeral port; the bound port is logged and returned. */
  port: number;
  host?: string;
  registry: Registry;
  readiness: Readiness;
  log: Logger;
  /** Serve /metrics (default true); off when config-observability says `none`. */
  serveMetrics?: boolean;
}

export interface AdminServer {
  readonly port: number;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType }).end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json', JSON.stringify(body));
}

async function route(req: IncomingMessage, res: ServerResponse, opts: AdminServerOptions) {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'GET only' });
  switch (path) {
    case '/healthz':
      return json(res, 200, { status: 'ok' });
    case '/readyz': {
      const { ready, failing } = await opts.readiness.evaluate();
      return ready ? json(res, 200, { status: 'ready' }) : json(res, 503, { failing });
    }
    case '/metrics':
      if (opts.serveMetrics === false) {
        return json(res, 404, {
          error: 'metrics are off: config-observability metrics-protocol is none',
        });
      }
      return send(res, 200, opts.registry.contentType, await opts.registry.metrics());
    default:
      return json(res, 404, { error: 'not found' });
  }
}

/** Serve /healthz, /readyz and /metrics on the admin port. */
export async function startAdminServer(opts: AdminServerOptions): Promise<AdminServer> {
  const { log } = opts;
  const server = createServer((req, res) => {
    route(req, res, opts).catch((err: unknown) => {
      log.error({ err, url: req.url }, 'admin request failed');
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (cause) =>
      reject(
        new RuntimeError(
          RuntimeErrorCode.AdminListen,
          `admin server cannot listen on port ${opts.port}`,
          { port: opts.port },
          { cause },
        ),
      ),
    );
    server.listen(opts.port, opts.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  log.info({ port }, 'admin server listening');
  return {
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Probes and scrapers keep connections alive; don't let them hold shutdown open.
        server.closeAllConnections();
      }),
  };
}
