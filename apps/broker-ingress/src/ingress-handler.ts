/**
 * `POST /<namespace>/<broker>` (eventing `pkg/broker/ingress/ingress_handler.go`), in
 * Knative's order: method (OPTIONS 200, others 405) → path (`/` 404, malformed 400) →
 * event (413 / 400 / 415) → broker (404) → stamp `knativearrivaltime`, apply the TTL
 * (400 when exhausted) → trigger channel address (500 while the reconciler has not
 * published one, as Knative) → one binary-mode POST to the trigger channel, whose 2xx is
 * relayed; any other answer or no answer is a 500 (the channel is local: no retries).
 */
import type { IncomingMessage } from 'node:http';
import {
  answerNonPost,
  ARRIVAL_TIME_ATTRIBUTE,
  BROKER_TTL_ATTRIBUTE,
  DeliveryError,
  eventKey,
  isSuccessStatus,
  nextBrokerTtl,
  passThroughHeaders,
  readEvent,
  serializeHttpEvent,
  withAttributes,
  writeRefusal,
  writeText,
  type CloudEvent,
  type EventRequestHandler,
  type HttpTransport,
} from '@knative-ts/delivery';
import type { Logger } from '@knative-ts/runtime';
import type { BrokerEntry, BrokerLookup } from './broker-table.js';
import type { IngressReport } from './metrics.js';
import { parseBrokerPath } from './path.js';

/** What the handler reports to; IngressMetrics implements it. */
export interface IngressRecorder {
  counted(report: IngressReport): void;
  dispatched(report: IngressReport, ms: number): void;
}

export interface IngressHandlerOptions {
  brokers: BrokerLookup;
  transport: HttpTransport;
  maxBodyBytes: number;
  maxTtl: number;
  metrics: IngressRecorder;
  log: Logger;
  /** Injected for tests: epoch milliseconds, for the arrival time and latencies. */
  now?: () => number;
}

/** Status for a request that reached a broker but could not be put on its channel. */
export const FORWARD_FAILED_STATUS = 500;

/** The request handler of broker-ingress. */
export function createIngressHandler(o: IngressHandlerOptions): EventRequestHandler {
  const now = o.now ?? Date.now;
  return async (req, res) => {
    if (answerNonPost(req, res, { options: true })) return;
    const path = parseBrokerPath(req.url ?? '/');
    if (path.kind === 'root') return writeText(res, 404, 'no broker in the path');
    if (path.kind === 'malformed') return writeText(res, 400, 'path is not /<namespace>/<broker>');
    const reading = await readEvent(req, o.maxBodyBytes);
    const broker = o.brokers.get(path.namespace, path.name);
    if (!reading.ok) {
      if (broker) o.metrics.counted(report(broker, '', reading.status));
      o.log.debug(
        { broker: `${path.namespace}/${path.name}`, reason: reading.reason },
        'event refused',
      );
      return writeRefusal(res, reading);
    }
    if (broker === undefined) {
      return writeText(res, 404, `broker ${path.namespace}/${path.name} not found`);
    }
    const status = await accept(o, now, broker, reading.event, req);
    o.metrics.counted(report(broker, reading.event.attributes['type'] ?? '', status));
    writeText(res, status, '');
  };
}

/** Stamps, guards and forwards an event; resolves with the status to answer. */
async function accept(
  o: IngressHandlerOptions,
  now: () => number,
  broker: BrokerEntry,
  received: CloudEvent,
  req: IncomingMessage,
): Promise<number> {
  const ttl = nextBrokerTtl(received, o.maxTtl);
  if (ttl <= 0) {
    o.log.debug(
      { event: eventKey(received), broker: keyOf(broker) },
      'event dropped: TTL exhausted',
    );
    return 400;
  }
  if (broker.channelAddress === undefined) {
    o.log.warn({ broker: keyOf(broker) }, 'broker has no trigger channel address');
    return FORWARD_FAILED_STATUS;
  }
  const event = withAttributes(received, {
    [ARRIVAL_TIME_ATTRIBUTE]: new Date(now()).toISOString(),
    [BROKER_TTL_ATTRIBUTE]: String(ttl),
  });
  return forward(o, now, broker, broker.channelAddress, event, req);
}

async function forward(
  o: IngressHandlerOptions,
  now: () => number,
  broker: BrokerEntry,
  url: string,
  event: CloudEvent,
  req: IncomingMessage,
): Promise<number> {
  const payload = serializeHttpEvent(event, 'binary');
  const headers = { ...passThroughHeaders(req.headers), ...payload.headers };
  const started = now();
  try {
    const res = await o.transport.post({ url, headers, body: payload.body });
    o.metrics.dispatched(
      report(broker, event.attributes['type'] ?? '', res.status),
      now() - started,
    );
    if (isSuccessStatus(res.status)) return res.status;
    o.log.warn(
      { broker: keyOf(broker), channel: url, status: res.status, event: eventKey(event) },
      'trigger channel refused the event',
    );
    return FORWARD_FAILED_STATUS;
  } catch (err) {
    if (!(err instanceof DeliveryError)) throw err;
    o.log.warn(
      { err, broker: keyOf(broker), channel: url, event: eventKey(event) },
      'trigger channel unreachable',
    );
    return FORWARD_FAILED_STATUS;
  }
}

function report(broker: BrokerEntry, eventType: string, status: number): IngressReport {
  return { namespace: broker.namespace, broker: broker.name, eventType, status };
}

function keyOf(broker: BrokerEntry): string {
  return `${broker.namespace}/${broker.name}`;
}
