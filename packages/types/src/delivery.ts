import type { Destination } from './duck.js';

/** Backoff between retries: delay·n or delay·2ⁿ. */
export type BackoffPolicy = 'linear' | 'exponential';

/** Event format forced on egress: structured JSON or binary mode. */
export type DeliveryFormat = 'json' | 'binary';

/** Delivery options of senders (eventingduckv1.DeliverySpec). Durations are ISO-8601. */
export interface DeliverySpec {
  deadLetterSink?: Destination;
  /** Minimum number of retries; total attempts = retry + 1. */
  retry?: number;
  backoffPolicy?: BackoffPolicy;
  backoffDelay?: string;
  /** Per-attempt timeout, > 0 (flag `delivery-timeout`). */
  timeout?: string;
  /** Cap for honouring Retry-After, ≥ 0 (flag `delivery-retryafter`); PT0S ignores the header. */
  retryAfterMax?: string;
  format?: DeliveryFormat;
}

/** The resolved dead-letter sink, as it appears in status (eventingduckv1.DeliveryStatus). */
export interface DeliveryStatus {
  deadLetterSinkUri?: string;
  deadLetterSinkCACerts?: string;
  deadLetterSinkAudience?: string;
}
