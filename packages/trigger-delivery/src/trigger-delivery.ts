/**
 * What broker-filter does with one event read for one Trigger (eventing
 * `pkg/broker/filter/filter_handler.go`), once the request's path, trigger and event are
 * known: `knativebrokerttl` present (400, only the broker sends here) and stripped →
 * subscriber resolved (404) → filter (miss: 200 empty) → ONE attempt to the subscriber
 * through the Sender, with `Prefer: reply` and `Kn-Namespace` (the channel subscription
 * retries with the trigger's delivery spec) and the trigger's timeout, else its Broker's →
 * the answer of subscriber-response.ts. `signal` is the caller giving up (broker-filter:
 * the channel dispatcher closed the request; in-process: the channel's caller), which
 * abandons the attempt, so its retries never pile onto a hung subscriber; in-process,
 * `deadline` (the channel attempt's timeout) cuts the attempt off as well.
 *
 * broker-filter serves it over HTTP (apps/broker-filter); a channel dispatcher serves it
 * in-process for the Triggers it knows (local-trigger-delivery.ts). Both answer the same.
 */
import {
  ARRIVAL_TIME_ATTRIBUTE,
  BROKER_TTL_ATTRIBUTE,
  eventKey,
  forwardedHeaders,
  stripBrokerTtl,
  type CloudEvent,
  type DeliveryConfig,
  type HeaderMap,
  type Sender,
} from '@knative-ts/delivery';
import type { EventTypeObserver } from '@knative-ts/eventtype-registry';
import type { Logger } from '@knative-ts/runtime';
import type { BrokerTimeoutLookup } from './broker-timeouts.js';
import type { TriggerReport } from './filter-metrics.js';
import { answerFor, answerForNoResponse, type FilterAnswer } from './subscriber-response.js';
import type { TriggerEntry } from './trigger-table.js';

/** What the delivery reports to; FilterMetrics implements it. */
export interface FilterRecorder {
  counted(r: TriggerReport, status: number): void;
  dispatched(r: TriggerReport, status: number, ms: number): void;
  processed(r: TriggerReport, ms: number): void;
}

export interface TriggerDeliveryOptions {
  /** The delivery timeout a trigger inherits from its Broker. */
  brokers: BrokerTimeoutLookup;
  sender: Pick<Sender, 'send'>;
  metrics: FilterRecorder;
  log: Logger;
  /** Registers the (type, source) of subscriber replies (`eventtype-auto-create`). */
  eventTypes?: EventTypeObserver;
  /** Injected for tests: epoch milliseconds, for latencies. */
  now?: () => number;
}

/** One event for one trigger: the event as received and the headers it came with. */
export interface TriggerCall {
  trigger: TriggerEntry;
  event: CloudEvent;
  headers: HeaderMap;
  signal?: AbortSignal;
  /** Epoch ms by which the answer is due (in-process: the channel attempt's timeout). */
  deadline?: number;
}

const utf8 = new TextEncoder();
const NO_BODY = new Uint8Array();

/** The complete answer for `call`; never throws for a subscriber's failure. */
export async function deliverToTrigger(
  o: TriggerDeliveryOptions,
  call: TriggerCall,
): Promise<FilterAnswer> {
  const { trigger } = call;
  const now = o.now ?? Date.now;
  const ref = `${trigger.namespace}/${trigger.name}`;
  const { event, ttl } = stripBrokerTtl(call.event);
  if (ttl === undefined) {
    // Only the broker sends here; the caller may dead-letter it.
    o.log.debug({ trigger: ref, event: eventKey(event) }, 'event without broker TTL refused');
    return refused(400, `event has no valid ${BROKER_TTL_ATTRIBUTE} extension`);
  }
  const report = reportOf(trigger);
  const url = trigger.subscriberUri;
  if (url === undefined) {
    o.metrics.counted(report, 404);
    return refused(404, `trigger ${ref} has no resolved subscriber`);
  }
  if (!trigger.matches(event))
    return { kind: 'unmatched', status: 200, headers: {}, body: NO_BODY };
  const arrived = Date.parse(call.event.attributes[ARRIVAL_TIME_ATTRIBUTE] ?? '');
  if (!Number.isNaN(arrived)) o.metrics.processed(report, now() - arrived);

  const headers = forwardedHeaders(call.headers, trigger.namespace);
  const config = singleAttemptConfig(
    trigger,
    trigger.delivery.timeoutMs ?? o.brokers.timeoutOf(trigger.namespace, trigger.broker),
  );
  const started = now();
  const sent = await o.sender.send(event, url, {
    config,
    headers,
    ...(call.signal && { signal: call.signal }),
    ...(call.deadline !== undefined && { deadline: call.deadline }),
  });
  const response = sent.ok ? sent : sent.response;
  const answer =
    response === undefined
      ? answerForNoResponse(url, sent.ok ? '' : sent.error.message)
      : answerFor(response, url, ttl);
  if (response !== undefined) o.metrics.dispatched(report, response.status, now() - started);
  o.metrics.counted(report, answer.status);
  if (answer.reply) o.eventTypes?.observe(triggerOwner(trigger), answer.reply);
  return answer;
}

// One config object per Trigger (while its Broker's timeout stays), not one per event: the
// Sender keeps what it derives from a config with the config.
const singleAttemptConfigs = new WeakMap<TriggerEntry, DeliveryConfig>();

/** The Trigger's delivery as broker-filter runs it: one attempt, the timeout it inherits. */
function singleAttemptConfig(trigger: TriggerEntry, timeoutMs: number | undefined): DeliveryConfig {
  const known = singleAttemptConfigs.get(trigger);
  if (known !== undefined && known.timeoutMs === timeoutMs) return known;
  const config = { ...trigger.delivery, retry: 0, ...(timeoutMs !== undefined && { timeoutMs }) };
  singleAttemptConfigs.set(trigger, config);
  return config;
}

/** A refusal as broker-filter writes it: the status and a plain-text reason. */
export function refused(status: number, text: string): FilterAnswer {
  return {
    kind: 'refused',
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body: utf8.encode(text),
  };
}

// One report per Trigger entry (a changed Trigger is a new entry): the metrics keep their
// series children with it.
const reports = new WeakMap<TriggerEntry, TriggerReport>();

function reportOf(t: TriggerEntry): TriggerReport {
  let report = reports.get(t);
  if (report === undefined) {
    report = {
      namespace: t.namespace,
      trigger: t.name,
      broker: t.broker,
      filterType: t.filterType,
    };
    reports.set(t, report);
  }
  return report;
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
