/**
 * Delivery failures in the log at the default level: a final failure (no retry follows)
 * is a warning naming the event (id, source, type), the destination, the role and why;
 * a failed attempt that will be retried is debug. Hooked on the one observation point, so
 * every app logs failures the same way.
 */
import type { DeliveryObserver, DeliveryOutcome } from './outcome.js';

/** The part of a pino-style logger used here. */
export interface FailureLogger {
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

/** An observer that logs failed attempts. */
export function logDeliveryFailures(log: FailureLogger): DeliveryObserver {
  return (o) => {
    if (o.error === undefined) return;
    const fields = failureFields(o);
    if (o.willRetry) log.debug(fields, 'delivery attempt failed; retrying');
    else log.warn(fields, 'delivery failed');
  };
}

/** Combine observers; each is called in turn for every outcome. */
export function observeAll(...observers: Array<DeliveryObserver | undefined>): DeliveryObserver {
  const present = observers.filter((o): o is DeliveryObserver => o !== undefined);
  return (outcome) => {
    for (const observe of present) observe(outcome);
  };
}

function failureFields(o: DeliveryOutcome): Record<string, unknown> {
  return {
    event: { id: o.eventId, source: o.eventSource, type: o.eventType },
    destination: o.destination,
    role: o.role,
    attempt: o.attempt,
    maxAttempts: o.maxAttempts,
    status: o.status,
    error: o.error,
    ...(o.retryDelayMs !== undefined && { retryDelayMs: o.retryDelayMs }),
  };
}
