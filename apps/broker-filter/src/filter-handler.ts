/**
 * `POST /triggers/<ns>/<trigger>/<uid>` (eventing `pkg/broker/filter/filter_handler.go`),
 * in Knative's order: method (405, `Allow: POST`) → path (400) → trigger (404 unknown,
 * 400 UID mismatch) → event (413 / 400 / 415) → `knativebrokerttl` present (400, only the
 * broker sends here) and stripped → subscriber resolved (404) → filter (miss: 200 empty)
 * → ONE attempt to the subscriber with `Prefer: reply` and `Kn-Namespace` (the channel
 * subscription retries with the trigger's delivery spec) → the answer of
 * subscriber-response.ts. The OIDC-only `/reply` and `/dls` endpoints are not served.
 */
import type { IncomingMessage } from 'node:http';
import {
  answerNonPost,
  ARRIVAL_TIME_ATTRIBUTE,
  BROKER_TTL_ATTRIBUTE,
  DeliveryError,
  eventKey,
  KN_NAMESPACE_HEADER,
  passThroughHeaders,
  readEvent,
  serializeHttpEvent,
  stripBrokerTtl,
  writeRefusal,
  writeText,
  type CloudEvent,
  type EventRequestHandler,
  type HttpTransport,
} from '@knative-ts/delivery';
import type { Logger } from '@knative-ts/runtime';
import type { TriggerReport } from './metrics.js';
import { parseTriggerPath } from './path.js';
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
  transport: HttpTransport;
  maxBodyBytes: number;
  metrics: FilterRecorder;
  log: Logger;
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
    const answer = await deliver(o, now, trigger, trigger.subscriberUri, event, ttl, req);
    o.metrics.counted(report, answer.status);
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  };
}

/** The single attempt to the subscriber, and the answer it makes. */
async function deliver(
  o: FilterHandlerOptions,
  now: () => number,
  trigger: TriggerEntry,
  url: string,
  event: CloudEvent,
  ttl: number,
  req: IncomingMessage,
): Promise<FilterAnswer> {
  const payload = serializeHttpEvent(event, trigger.delivery.format);
  const headers = {
    ...passThroughHeaders(req.headers),
    [KN_NAMESPACE_HEADER]: trigger.namespace,
    prefer: 'reply',
    ...payload.headers,
  };
  const started = now();
  let answer: FilterAnswer;
  try {
    const res = await o.transport.post({
      url,
      headers,
      body: payload.body,
      timeoutMs: trigger.delivery.timeoutMs,
    });
    o.metrics.dispatched(reportOf(trigger), res.status, now() - started);
    answer = answerFor(res, url, ttl);
  } catch (err) {
    if (!(err instanceof DeliveryError)) throw err;
    answer = answerForNoResponse(url, err.message);
    o.log.warn({ err, trigger: keyOf(trigger), event: eventKey(event) }, 'subscriber unreachable');
    return answer;
  }
  if (answer.kind === 'failed' || answer.kind === 'malformed') {
    o.log.debug(
      {
        trigger: keyOf(trigger),
        event: eventKey(event),
        status: answer.status,
        reason: answer.reason,
      },
      'subscriber delivery failed',
    );
  }
  return answer;
}

function reportOf(t: TriggerEntry): TriggerReport {
  return { namespace: t.namespace, trigger: t.name, broker: t.broker, filterType: t.filterType };
}

function keyOf(t: TriggerEntry): string {
  return `${t.namespace}/${t.name}`;
}
