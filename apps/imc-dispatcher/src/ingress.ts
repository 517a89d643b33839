/**
 * The channel ingress (eventing `event_receiver.go` + `fanout_event_handler.go`): one
 * handler for every InMemoryChannel. 405 for non-POST (OPTIONS answered as the spec says),
 * 400 for a bad path, 404 for an unknown channel, 413 above the body limit, 400/415 for
 * what the binding rejects, then fan-out: 202 once every subscriber (or its dead-letter
 * sink) took the event, 500 when one did not; 202 at once for async channels.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  answerNonPost,
  eventKey,
  readEvent,
  writeRefusal,
  writeText,
  type CloudEvent,
  type EventRequestHandler,
} from '@knative-ts/delivery';
import type { Logger } from '@knative-ts/runtime';
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

/** The request handler of the event receiver (errors it throws become a 500). */
export function createIngressHandler(options: IngressOptions): EventRequestHandler {
  return (req, res) => handle(options, req, res);
}

async function handle(o: IngressOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (answerNonPost(req, res, { options: true })) return;
  const route = o.table.route(req.headers.host, req.url ?? '/');
  if (route.kind === 'bad-path') return writeText(res, 400, `path is not /<namespace>/<name>`);
  if (route.kind === 'unknown') return writeText(res, 404, `unknown channel ${route.key}`);
  const channel = route.channel;
  const reading = await readEvent(req, o.maxBodyBytes);
  if (!reading.ok) {
    o.metrics.rejected(channel.namespace, reading.status);
    return writeRefusal(res, reading);
  }
  const event = reading.event;
  if (channel.async) {
    writeText(res, 202, '');
    o.inFlight.track(
      fanOut(channel, event, req.headers).then((r) => logFailures(o, channel, event, r)),
    );
    return;
  }
  const result = await fanOut(channel, event, req.headers);
  logFailures(o, channel, event, result);
  if (result.ok) return writeText(res, 202, '');
  writeText(res, 500, `${result.failures.length} subscriber(s) did not take the event`);
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
