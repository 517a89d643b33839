/**
 * `POST /triggers/<ns>/<trigger>/<uid>` (eventing `pkg/broker/filter/filter_handler.go`),
 * in Knative's order: method (405, `Allow: POST`) → path (400) → trigger (404 unknown,
 * 400 UID mismatch) → event (413 / 400 / 415) → `knativebrokerttl` present (400, only the
 * broker sends here) and stripped → subscriber resolved (404) → filter (miss: 200 empty)
 * → ONE attempt to the subscriber through the Sender (the one send path), with
 * `Prefer: reply` and `Kn-Namespace` (the channel subscription retries with the trigger's
 * delivery spec) and the trigger's timeout, else its Broker's → the answer of
 * subscriber-response.ts. When the caller (the channel dispatcher) gives up and closes the
 * request, the attempt is abandoned, so its retries never pile onto a hung subscriber.
 * The OIDC-only `/reply` and `/dls` endpoints are not served.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  abortOnHangUp,
  answerNonPost,
  ARRIVAL_TIME_ATTRIBUTE,
  BROKER_TTL_ATTRIBUTE,
  eventKey,
  KN_NAMESPACE_HEADER,
  passThroughHeaders,
  readEvent,
  stripBrokerTtl,
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
import { parseTriggerPath } from '@knative-ts/types';
import type { BrokerTimeoutLookup } from './broker-timeouts.js';
import type { TriggerReport } from './metrics.js';
import { answerFor, answerForNoResponse, type FilterAnswer } from './subscriber-response.js';
import type { TriggerEntry, TriggerLookup } from './trigger-table.js';

/** What the handler reports to; FilterMetrics implements it. */
export interface FilterRecorder {
  counted(r: TriggerReport, status: number): void;
  dispatched(r: TriggerReport, status: number, ms: number): void;
  processed(r: TriggerReport, ms: number): void;
}

export interface FilterHandlerOptions {
  triggers: TriggerLookup;
  /** The delivery timeout a trigger inherits from its Broker. */
  brokers: BrokerTimeoutLookup;
  sender: Pick<Sender, 'send'>;
  /** The process's in-flight budget (503 + Retry-After past it). */
  admission: Admission;
  maxBodyBytes: number;
  metrics: FilterRecorder;
  log: Logger;
  /** Registers the (type, source) of subscriber replies (`eventtype-auto-create`). */
  eventTypes?: EventTypeObserver;
  /** Injected for tests: epoch milliseconds, for latencies. */
  now?: () => number;
}

/** The request handler of broker-filter. */
export function createFilterHandler(o: FilterHandlerOptions): EventRequestHandler {
  const now = o.now ?? Date.now;
  return async (req, res) => {
    if (answerNonPost(req, res, { options: false })) return;
    const path = parseTriggerPath(req.url ?? '/');
    if (path.kind === 'malformed') {
      return writeText(res, 400, 'path is not /triggers/<namespace>/<trigger>/<uid>');
    }
    const ref = `${path.namespace}/${path.name}`;
    if (path.endpoint !== 'subscriber') {
      return writeText(res, 404, `the ${path.endpoint} endpoint needs OIDC, which is not served`);
    }
    const trigger = o.triggers.get(path.namespace, path.name);
    if (trigger === undefined) return writeText(res, 404, `trigger ${ref} not found`);
    if (trigger.uid !== path.uid) return writeText(res, 400, `trigger ${ref} has another UID`);
    const ticket = o.admission.tryAdmit(Number(req.headers['content-length']) || 0);
    if (ticket === undefined) return writeOverloaded(res, o.admission.limits);
    try {
      await handleEvent(o, now, trigger, req, res);
    } finally {
      ticket.release();
    }
  };
}

async function handleEvent(
  o: FilterHandlerOptions,
  now: () => number,
  trigger: TriggerEntry,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const ref = keyOf(trigger);
  const reading = await readEvent(req, o.maxBodyBytes);
  if (!reading.ok) return writeRefusal(res, reading);
  const { event, ttl } = stripBrokerTtl(reading.event);
  if (ttl === undefined) {
    // Only the broker sends here; the caller may dead-letter it.
    o.log.debug({ trigger: ref, event: eventKey(event) }, 'event without broker TTL refused');
    return writeText(res, 400, `event has no valid ${BROKER_TTL_ATTRIBUTE} extension`);
  }
  const report = reportOf(trigger);
  if (trigger.subscriberUri === undefined) {
    o.metrics.counted(report, 404);
    return writeText(res, 404, `trigger ${ref} has no resolved subscriber`);
  }
  if (!trigger.matches(event)) return writeText(res, 200, '');
  const arrived = Date.parse(reading.event.attributes[ARRIVAL_TIME_ATTRIBUTE] ?? '');
  if (!Number.isNaN(arrived)) o.metrics.processed(report, now() - arrived);
  const answer = await deliver(o, { trigger, url: trigger.subscriberUri, event, ttl, req, res });
  o.metrics.counted(report, answer.status);
  if (answer.reply) o.eventTypes?.observe(triggerOwner(trigger), answer.reply);
  if (res.destroyed) return;
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}

/** The single attempt to the subscriber, and the answer it makes. */
async function deliver(
  o: FilterHandlerOptions,
  call: {
    trigger: TriggerEntry;
    url: string;
    event: CloudEvent;
    ttl: number;
    req: IncomingMessage;
    res: ServerResponse;
  },
): Promise<FilterAnswer> {
  const { trigger, url, event, ttl, req, res } = call;
  const now = o.now ?? Date.now;
  const headers = {
    ...passThroughHeaders(req.headers),
    [KN_NAMESPACE_HEADER]: trigger.namespace,
  };
  const timeoutMs =
    trigger.delivery.timeoutMs ?? o.brokers.timeoutOf(trigger.namespace, trigger.broker);
  const config = { ...trigger.delivery, retry: 0, ...(timeoutMs !== undefined && { timeoutMs }) };
  const hungUp = abortOnHangUp(res);
  const started = now();
  const sent = await o.sender.send(event, url, { config, headers, signal: hungUp.signal });
  hungUp.dispose();
  const response = sent.ok ? sent : sent.response;
  if (response === undefined) return answerForNoResponse(url, sent.ok ? '' : sent.error.message);
  o.metrics.dispatched(reportOf(trigger), response.status, now() - started);
  return answerFor(response, url, ttl);
}

function reportOf(t: TriggerEntry): TriggerReport {
  return { namespace: t.namespace, trigger: t.name, broker: t.broker, filterType: t.filterType };
}

/** Replies' EventTypes belong to the Trigger that produced them, as in Knative. */
function triggerOwner(t: TriggerEntry) {
  return {
    apiVersion: 'eventing.knative.dev/v1',
    kind: 'Trigger',
    namespace: t.namespace,
    name: t.name,
  };
}

function keyOf(t: TriggerEntry): string {
  return `${t.namespace}/${t.name}`;
}
