/**
 * The HTTP side shared by every test service, written as a user writes a Knative
 * subscriber: an express app receiving events with the CloudEvents SDK's HTTP binding.
 * POST carries an event (400 with the SDK's reason when it is not one); the service's
 * answer is a reply event (200, binary mode, serialized by the SDK) or nothing (200,
 * empty). GET routes serve JSON. The platform's own receive side (strict binding) is
 * in @knative-ts/delivery; these are the programs on the other end.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { CloudEvent as PlainEvent, EventReceiver } from '@knative-ts/delivery';
import type { Logger } from '@knative-ts/runtime';
import { HTTP, type CloudEventV1 } from 'cloudevents';
import express, { type Request, type Response } from 'express';
import { fromSdkEvent, toSdkEvent } from './sdk-event.js';

/** What a service does with one event: the reply, or undefined for none. */
export type EventHandler = (event: PlainEvent) => PlainEvent | undefined;

export interface ServiceDefinition {
  handle: EventHandler;
  /** JSON answers for GET by path (e.g. the recorder's `/events`). */
  get?: Record<string, () => unknown>;
}

export interface StartServiceOptions {
  port: number;
  host?: string;
  service: ServiceDefinition;
  log: Logger;
  maxBodyBytes?: number;
}

/** Starts listening; resolves once bound (the port is on the result). */
export async function startService(options: StartServiceOptions): Promise<EventReceiver> {
  const { service, log, maxBodyBytes = 4 * 1024 * 1024 } = options;
  const app = express();
  app.disable('x-powered-by');
  for (const [path, route] of Object.entries(service.get ?? {})) {
    app.get(path, (_req, res) => void res.json(route()));
  }
  app.post('/{*path}', express.raw({ type: () => true, limit: maxBodyBytes }), (req, res) =>
    receive(service, log, req, res),
  );
  app.use((_req, res) => void res.status(405).set('allow', 'POST').send(''));
  // Body too large and the like: express's own errors, answered with their status.
  app.use(
    (err: { status?: number; message?: string }, _req: Request, res: Response, _next: unknown) => {
      log.warn({ err }, 'request refused');
      res
        .status(err.status ?? 500)
        .type('text/plain')
        .send(err.message ?? 'error');
    },
  );
  const server = app.listen(options.port, options.host ?? '0.0.0.0');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      }),
  };
}

function receive(service: ServiceDefinition, log: Logger, req: Request, res: Response): void {
  let received: CloudEventV1<unknown> | CloudEventV1<unknown>[];
  try {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    received = HTTP.toEvent({ headers: req.headers, body });
  } catch (err) {
    log.warn({ err: String(err) }, 'event refused');
    res
      .status(400)
      .type('text/plain')
      .send(`not a CloudEvent: ${(err as Error).message}`);
    return;
  }
  if (Array.isArray(received)) {
    res.status(400).type('text/plain').send('batched events are not supported');
    return;
  }
  const reply = service.handle(fromSdkEvent(received));
  if (reply === undefined) {
    res.status(200).send('');
    return;
  }
  const { headers, body } = HTTP.binary(toSdkEvent(reply));
  res
    .status(200)
    .set(headers as Record<string, string>)
    .send(body);
}
