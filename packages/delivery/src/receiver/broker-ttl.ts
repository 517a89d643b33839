/**
 * The broker's loop guard and arrival stamp (eventing `pkg/broker/ttl.go`, `TTLDefaulter`,
 * `ingress_handler.go receive`): ingress sets `knativebrokerttl` to MAX_TTL when absent
 * (or not an integer), decrements it otherwise (never below 0) and rejects the event at 0;
 * broker-filter strips it towards the subscriber and puts the same value back on a reply.
 * Ingress also stamps `knativearrivaltime`, which filter turns into processing latency.
 */
import type { CloudEvent } from '../event.js';
import { RecentEntryCache } from '../recent-entry-cache.js';

export const BROKER_TTL_ATTRIBUTE = 'knativebrokerttl';
export const ARRIVAL_TIME_ATTRIBUTE = 'knativearrivaltime';
/** MAX_TTL's default in Knative's broker ingress. */
export const DEFAULT_MAX_TTL = 255;

const INT32_MAX = 2 ** 31 - 1;

/** The TTL an event carries, or undefined when absent or not a 32-bit integer. */
export function readBrokerTtl(event: CloudEvent): number | undefined {
  const raw = event.attributes[BROKER_TTL_ATTRIBUTE];
  if (raw === undefined || !/^[+-]?\d+$/.test(raw)) return undefined;
  const value = Number(raw);
  return Math.abs(value) <= INT32_MAX ? value : undefined;
}

/** The TTL ingress forwards with: MAX_TTL for a fresh event, one less (floor 0) for a re-entry. */
export function nextBrokerTtl(event: CloudEvent, maxTtl: number): number {
  const current = readBrokerTtl(event);
  return current === undefined ? maxTtl : Math.max(0, current - 1);
}

/** An event without the TTL, and the TTL it had. */
export interface StrippedEvent {
  readonly event: CloudEvent;
  readonly ttl: number | undefined;
}

// Events are immutable, and a trigger channel strips the same event once for the prefilter
// and once per Trigger: the first strip serves them all (and gives the Sender one event to
// serialize, not one per Trigger).
const stripped = new RecentEntryCache<CloudEvent, StrippedEvent>();

/** A copy of `event` without the TTL, and the TTL it had (undefined when absent or invalid). */
export function stripBrokerTtl(event: CloudEvent): StrippedEvent {
  const known = stripped.get(event);
  if (known !== undefined) return known;
  const ttl = readBrokerTtl(event);
  let result: StrippedEvent = { event, ttl };
  if (BROKER_TTL_ATTRIBUTE in event.attributes) {
    const { [BROKER_TTL_ATTRIBUTE]: _dropped, ...attributes } = event.attributes;
    result = { event: { ...event, attributes }, ttl };
  }
  stripped.set(event, result);
  return result;
}
