/**
 * The channel ingress (eventing `event_receiver.go` + `fanout_event_handler.go`): one
 * handler for every InMemoryChannel. 405 for non-POST (OPTIONS answered as the spec says),
 * 400 for a bad path, 404 for an unknown channel, 413 above the body limit, 400/415 for
 * what the binding rejects, 503 + Retry-After past the in-flight budget (backpressure
 * instead of an unbounded queue), then fan-out: 202 once every subscriber (or its
 * dead-letter sink) took the event, 500 when one did not; 202 at once for async channels.
 * A sync sender that hangs up cancels its fan-out: it did not get a 202 and will retry.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  abortOnHangUp,
  answerNonPost,
  eventKey,
  readEvent,
  writeOverloaded,
  writeRefusal,
  writeText,
  type Admission,
  type CloudEvent,
  type EventRequestHandler,
  type TriggerPrefilter,
} from '@knative-ts/delivery';
import type { EventTypeObserver } from '@knative-ts/eventtype-registry';
import type { Logger } from '@knative-ts/runtime';
import type { ChannelTable } from '@knative-ts/delivery';
import { fanOut, type ChannelEntry, type FanoutResult } from './fanout.js';
import type { InFlight } from './in-flight.js';
import type { ChannelMetrics } from '@knative-ts/delivery';

const InMemoryChannelApiVersion = 'messaging.knative.dev/v1';

export interface IngressOptions {
  table: ChannelTable<ChannelEntry>;
  maxBodyBytes: number;
  log: Logger;
  metrics: Pick<ChannelMetrics, 'rejected'>;
  /** Keeps async fan-outs so shutdown can wait for them. */
  inFlight: InFlight;
  /** The process's in-flight budget, shared by every channel. */
  admission: Admission;
  /** Registers the (type, source) of accepted events (`eventtype-auto-create`). */
  eventTypes?: EventTypeObserver;
  /** Spares broker-filter the Triggers whose filter rejects the event. */
  prefilter?: Pick<TriggerPrefilter, 'select'>;
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
  const ticket = o.admission.tryAdmit(declaredLength(req));
  if (ticket === undefined) {
    o.metrics.rejected(channel.namespace, 503);
    return writeOverloaded(res, o.admission.limits);
  }
  let handedOff = false;
  try {
    const reading = await readEvent(req, o.maxBodyBytes);
    if (!reading.ok) {
      o.metrics.rejected(channel.namespace, reading.status);
      return writeRefusal(res, reading);
    }
    const event = reading.event;
    const { namespace, name } = channel;
    o.eventTypes?.observe(
      { apiVersion: InMemoryChannelApiVersion, kind: 'InMemoryChannel', namespace, name },
      event,
    );
    if (channel.async) {
      writeText(res, 202, '');
      const work = fanOut(channel, event, req.headers, { prefilter: o.prefilter }).then((r) =>
        logFailures(o, channel, event, r),
      );
      // The ticket now belongs to the fan-out: the budget bounds async work too.
      handedOff = true;
      o.inFlight.track(work.finally(() => ticket.release()));
      return;
    }
    const result = await fanOut(channel, event, req.headers, {
      signal: abortOnHangUp(res),
      prefilter: o.prefilter,
    });
    logFailures(o, channel, event, result);
    if (result.ok) return writeText(res, 202, '');
    writeText(res, 500, `${result.failures.length} subscriber(s) did not take the event`);
  } finally {
    if (!handedOff) ticket.release();
  }
}

/** Content-Length when the sender gave one (what the budget can know before reading). */
function declaredLength(req: IncomingMessage): number {
  const n = Number(req.headers['content-length']);
  return Number.isFinite(n) && n > 0 ? n : 0;
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
