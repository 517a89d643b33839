/**
 * The HTTP side shared by every test service: POST carries an event (read with the strict
 * binding of @knative-ts/delivery; malformed events get 400/415); the service's answer is a
 * reply event (200, binary mode) or nothing (200, empty). GET routes serve JSON.
 */
import {
  readEvent,
  serializeHttpEvent,
  startEventReceiver,
  writeRefusal,
  writeText,
  type CloudEvent,
  type EventReceiver,
} from '@knative-ts/delivery';
import type { Logger } from '@knative-ts/runtime';

/** What a service does with one event: the reply, or undefined for none. */
export type EventHandler = (event: CloudEvent) => CloudEvent | undefined;

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
export function startService(options: StartServiceOptions): Promise<EventReceiver> {
  const { service, log, maxBodyBytes = 4 * 1024 * 1024 } = options;
  return startEventReceiver({
    port: options.port,
    ...(options.host !== undefined && { host: options.host }),
    onError: (err, req) => log.error({ err, method: req.method, url: req.url }, 'request failed'),
    handler: async (req, res) => {
      const route = service.get?.[new URL(req.url ?? '/', 'http://x').pathname];
      if (req.method === 'GET' && route !== undefined) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(route()));
        return;
      }
      if (req.method !== 'POST') return writeText(res, 405, '', { allow: 'POST' });
      const reading = await readEvent(req, maxBodyBytes);
      if (!reading.ok) {
        log.warn({ status: reading.status, reason: reading.reason }, 'event refused');
        return writeRefusal(res, reading);
      }
      const reply = service.handle(reading.event);
      if (reply === undefined) return writeText(res, 200, '');
      const { headers, body } = serializeHttpEvent(reply, 'binary');
      res.writeHead(200, headers);
      res.end(body);
    },
  });
}
