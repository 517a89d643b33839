/**
 * The bounds every delivery runs under, whatever its DeliverySpec says. Knative leaves
 * these open (no default timeout, uncapped exponential backoff), which lets one hung or
 * failing subscriber hold an event for hours and, past `setTimeout`'s 24.8-day ceiling,
 * turns backoff into a retry storm. Defaults are what a platform team would accept for an
 * in-memory hop; durable dispatchers may raise the deadline.
 */

/** The largest delay `setTimeout` honours; longer ones fire after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface DeliveryLimits {
  /** Per-attempt timeout when `delivery.timeout` is unset (or the feature is disabled). */
  readonly defaultAttemptTimeoutMs: number;
  /** Longest wait before one retry, whether from backoff or from Retry-After. */
  readonly maxRetryDelayMs: number;
  /**
   * Budget of one dispatch: every attempt to the subscriber and the reply leg. When it is
   * spent the event goes to the dead-letter sink (which gets its own attempts) or fails.
   */
  readonly dispatchDeadlineMs: number;
}

export const DEFAULT_DELIVERY_LIMITS: DeliveryLimits = {
  defaultAttemptTimeoutMs: 30_000,
  maxRetryDelayMs: 5 * 60_000,
  dispatchDeadlineMs: 15 * 60_000,
};

/** Clamp a delay into what a timer can wait for and the limits allow. */
export function boundedDelayMs(delayMs: number, limits: DeliveryLimits): number {
  if (!Number.isFinite(delayMs)) return Math.min(limits.maxRetryDelayMs, MAX_TIMER_MS);
  return Math.max(0, Math.min(delayMs, limits.maxRetryDelayMs, MAX_TIMER_MS));
}
