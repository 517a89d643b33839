/**
 * `POST /<namespace>/<broker>` (eventing `pkg/broker/ingress/ingress_handler.go`), in
 * Knative's order: method (OPTIONS 200, others 405) → path (`/` 404, malformed 400) →
 * event (413 / 400 / 415) → broker (404) → stamp `knativearrivaltime`, apply the TTL
 * (400 when exhausted) → trigger channel address (500 while the reconciler has not
 * published one, as Knative) → one binary-mode POST to the trigger channel through the
 * Sender (the one send path), whose 2xx is relayed; any other answer or no answer is a
 * 500 (the channel is local: no retries). Past the in-flight budget: 503 + Retry-After.
 * A sender that hangs up abandons the forward.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  abortOnHangUp,
  answerNonPost,
  ARRIVAL_TIME_ATTRIBUTE,
  BROKER_TTL_ATTRIBUTE,
  eventKey,
  isSuccessStatus,
  nextBrokerTtl,
  NO_RETRIES,
  passThroughHeaders,
  readEvent,
  withAttributes,
  writeOverloaded,
  writeRefusal,
  writeText,
  type Admission,
  type CloudEvent,
  type EventRequestHandler,
  type Sender,
} from '@knative-ts/delivery';
import type { EventTypeObserver } from '@knative-ts/eventtype-registry';
import type { Logger } from '@knative-ts/runtime';
import { parseBrokerPath } from '@knative-ts/types';
import type { BrokerEntry, BrokerLookup } from './broker-table.js';
import type { IngressReport } from './metrics.js';

/** What the handler reports to; IngressMetrics implements it. */
export interface IngressRecorder {
  counted(report: IngressReport): void;
  dispatched(report: IngressReport, ms: number): void;
}

export interface IngressHandlerOptions {
  brokers: BrokerLookup;
  sender: Pick<Sender, 'send'>;
  /**
   * How long to wait for the trigger channel. A sync channel answers only once its fan-out
   * (with the triggers' retries) is done, so this must outlast the channel's dispatch
   * deadline: giving up earlier would cancel the fan-out and with it every retry.
   */
  forwardTimeoutMs: number;
  /** The process's in-flight budget. */
  admission: Admission;
  maxBodyBytes: number;
  maxTtl: number;
  metrics: IngressRecorder;
  log: Logger;
  /** Registers the (type, source) of accepted events (`eventtype-auto-create`). */
  eventTypes?: EventTypeObserver;
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
    const ticket = o.admission.tryAdmit(Number(req.headers['content-length']) || 0);
    if (ticket === undefined) return writeOverloaded(res, o.admission.limits);
    try {
      await handleEvent(o, now, path, req, res);
    } finally {
      ticket.release();
    }
  };
}

async function handleEvent(
  o: IngressHandlerOptions,
  now: () => number,
  path: { namespace: string; name: string },
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
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
  const status = await accept(o, now, broker, reading.event, { req, res });
  o.metrics.counted(report(broker, reading.event.attributes['type'] ?? '', status));
  if (isSuccessStatus(status)) o.eventTypes?.observe(brokerOwner(broker), reading.event);
  if (!res.destroyed) writeText(res, status, '');
}

/** Stamps, guards and forwards an event; resolves with the status to answer. */
async function accept(
  o: IngressHandlerOptions,
  now: () => number,
  broker: BrokerEntry,
  received: CloudEvent,
  exchange: { req: IncomingMessage; res: ServerResponse },
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
  return forward(o, now, { broker, url: broker.channelAddress, event }, exchange);
}

async function forward(
  o: IngressHandlerOptions,
  now: () => number,
  target: { broker: BrokerEntry; url: string; event: CloudEvent },
  exchange: { req: IncomingMessage; res: ServerResponse },
): Promise<number> {
  const { broker, url, event } = target;
  const started = now();
  const sent = await o.sender.send(event, url, {
    config: { ...NO_RETRIES, timeoutMs: o.forwardTimeoutMs },
    role: 'forward',
    headers: passThroughHeaders(exchange.req.headers),
    signal: abortOnHangUp(exchange.res),
  });
  const status = sent.ok ? sent.status : sent.failure.status;
  if (status !== undefined) {
    o.metrics.dispatched(report(broker, event.attributes['type'] ?? '', status), now() - started);
  }
  // The Sender's failure log names the event, the channel and why.
  return sent.ok && isSuccessStatus(sent.status) ? sent.status : FORWARD_FAILED_STATUS;
}

function report(broker: BrokerEntry, eventType: string, status: number): IngressReport {
  return { namespace: broker.namespace, broker: broker.name, eventType, status };
}

function brokerOwner(broker: BrokerEntry) {
  const { namespace, name } = broker;
  return { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', namespace, name };
}

function keyOf(broker: BrokerEntry): string {
  return `${broker.namespace}/${broker.name}`;
}
