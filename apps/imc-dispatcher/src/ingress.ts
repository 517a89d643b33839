/**
 * The channel ingress (eventing `event_receiver.go` + `fanout_event_handler.go`): one
 * handler for every InMemoryChannel. 405 for non-POST (OPTIONS answered as the spec says),
 * 400 for a bad path, 404 for an unknown channel, 413 above the body limit, 400/415 for
 * what the binding rejects, then fan-out: 202 once every subscriber (or its dead-letter
 * sink) took the event, 500 when one did not; 202 at once for async channels.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BindingError, eventKey, parseHttpEvent, type CloudEvent } from '@knative-ts/delivery';
import type { Logger } from '@knative-ts/runtime';
import { readBody } from './body.js';
import type { ChannelTable } from './channel-table.js';
import { fanOut, type ChannelEntry, type FanoutResult } from './fanout.js';
import type { InFlight } from './in-flight.js';
import type { ChannelMetrics } from './metrics.js';

export interface IngressOptions {
  table: ChannelTable<ChannelEntry>;
  maxBodyBytes: number;
  log: Logger;
  metrics: Pick<ChannelMetrics, 'rejected'>;
  /** Keeps async fan-outs so shutdown can wait for them. */
  inFlight: InFlight;
}

const OPTIONS_HEADERS = {
  allow: 'POST, OPTIONS',
  'webhook-allowed-origin': '*',
  'webhook-allowed-rate': '*',
};

/** The request listener of the event receiver. */
export function createIngressHandler(
  options: IngressOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(options, req, res).catch((err: unknown) => {
      options.log.error({ err, url: req.url }, 'request handling failed');
      if (!res.headersSent) reply(res, 500, 'internal error');
      else res.destroy();
    });
  };
}

async function handle(o: IngressOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method === 'OPTIONS') return reply(res, 200, '', OPTIONS_HEADERS);
  if (req.method !== 'POST') return reply(res, 405, '', { allow: OPTIONS_HEADERS.allow });
  const route = o.table.route(req.headers.host, req.url ?? '/');
  if (route.kind === 'bad-path') return reply(res, 400, `path is not /<namespace>/<name>`);
  if (route.kind === 'unknown') return reply(res, 404, `unknown channel ${route.key}`);
  const channel = route.channel;
  const reading = await readBody(req, o.maxBodyBytes);
  if (!reading.ok) {
    o.metrics.rejected(channel.namespace, 413);
    // Stop reading the rest: the connection is closed after the answer.
    return reply(res, 413, `body larger than ${o.maxBodyBytes} bytes`, { connection: 'close' });
  }
  let event: CloudEvent;
  try {
    event = parseHttpEvent({ headers: req.headers, body: reading.body });
  } catch (err) {
    if (!(err instanceof BindingError)) throw err;
    o.metrics.rejected(channel.namespace, err.status);
    return reply(res, err.status, `${err.reason}: ${err.message}`);
  }
  if (channel.async) {
    reply(res, 202, '');
    o.inFlight.track(
      fanOut(channel, event, req.headers).then((r) => logFailures(o, channel, event, r)),
    );
    return;
  }
  const result = await fanOut(channel, event, req.headers);
  logFailures(o, channel, event, result);
  if (result.ok) return reply(res, 202, '');
  reply(res, 500, `${result.failures.length} subscriber(s) did not take the event`);
}

function logFailures(
  o: IngressOptions,
  channel: ChannelEntry,
  event: CloudEvent,
  result: FanoutResult,
): void {
  if (result.ok) return;
  o.log.warn(
    {
      channel: `${channel.namespace}/${channel.name}`,
      event: eventKey(event),
      failures: result.failures,
    },
    'fan-out failed',
  );
}

function reply(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  if (body !== '') headers['content-type'] = 'text/plain; charset=utf-8';
  res.writeHead(status, headers);
  res.end(body);
}
