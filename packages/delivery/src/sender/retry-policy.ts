/**
 * A DeliverySpec compiled once into what the sender needs per attempt, with Knative's
 * arithmetic (eventing `pkg/kncloudevents/retries.go` + go-retryablehttp): before retry n
 * (n = 1..retry) the wait is `delay·2^(n-1)` (exponential) or `delay·(n-1)` (linear) —
 * go-retryablehttp hands the backoff a 0-based attempt index, so the first linear retry is
 * immediate. Without both backoffPolicy and backoffDelay, retries do not wait.
 */
import { parseIsoDuration, type BackoffPolicy, type DeliverySpec } from '@knative-ts/types';
import type { EventFormat } from '../binding/http.js';
import { DeliveryError, DeliveryErrorCode } from '../errors.js';
import { parseRetryAfter } from './retry-after.js';

/** What one delivery needs from a DeliverySpec; build it with `compileDelivery`. */
export interface DeliveryConfig {
  /** Retries after the first attempt; total attempts = retry + 1. */
  readonly retry: number;
  readonly backoffPolicy?: BackoffPolicy;
  readonly backoffDelayMs?: number;
  /** Per-attempt timeout; undefined = no timeout. */
  readonly timeoutMs?: number;
  /** Cap on Retry-After; undefined = Retry-After ignored (Knative's alpha semantics). */
  readonly retryAfterMaxMs?: number;
  /** Egress content mode (`delivery.format`): binary unless `json`. */
  readonly format: EventFormat;
}

/** No retries, binary egress: Knative's behaviour without a DeliverySpec. */
export const NO_RETRIES: DeliveryConfig = { retry: 0, format: 'binary' };

/** Compile a DeliverySpec; throws DeliveryError(DELIVERY_ERR_INVALID_DELIVERY_SPEC). */
export function compileDelivery(spec: DeliverySpec | undefined): DeliveryConfig {
  if (spec === undefined) return NO_RETRIES;
  const retry = spec.retry ?? 0;
  if (!Number.isInteger(retry) || retry < 0) invalid('retry', String(spec.retry));
  const config: {
    -readonly [K in keyof DeliveryConfig]: DeliveryConfig[K];
  } = { retry, format: spec.format === 'json' ? 'json' : 'binary' };
  if (spec.backoffPolicy !== undefined && spec.backoffDelay !== undefined) {
    config.backoffPolicy = spec.backoffPolicy;
    config.backoffDelayMs = duration('backoffDelay', spec.backoffDelay);
  }
  if (spec.timeout !== undefined) {
    const ms = duration('timeout', spec.timeout);
    // Go leaves the client without a timeout when the parsed duration is zero.
    if (ms > 0) config.timeoutMs = ms;
  }
  if (spec.retryAfterMax !== undefined) {
    config.retryAfterMaxMs = Math.max(0, duration('retryAfterMax', spec.retryAfterMax));
  }
  return config;
}

/** The backoff before retry `n` (1-based), ignoring Retry-After. */
export function backoffMs(config: DeliveryConfig, n: number): number {
  const delay = config.backoffDelayMs;
  if (delay === undefined || n < 1) return 0;
  if (config.backoffPolicy === 'exponential') return delay * 2 ** (n - 1);
  if (config.backoffPolicy === 'linear') return delay * (n - 1);
  return 0;
}

/** What the failed attempt's response says about waiting. */
export interface FailedResponse {
  status?: number;
  retryAfter?: string;
}

/** The wait before retry `n`: the backoff, or Retry-After (capped) when it is longer. */
export function retryDelayMs(
  config: DeliveryConfig,
  n: number,
  response: FailedResponse,
  nowMs: number,
): number {
  const backoff = backoffMs(config, n);
  const cap = config.retryAfterMaxMs;
  if (cap === undefined || (response.status !== 429 && response.status !== 503)) return backoff;
  const asked = parseRetryAfter(response.retryAfter, nowMs);
  if (asked === undefined) return backoff;
  return Math.max(backoff, Math.min(asked, cap));
}

function duration(field: string, value: string): number {
  const parsed = parseIsoDuration(value);
  if (!parsed.ok) invalid(field, value, parsed.error);
  return parsed.ms;
}

function invalid(field: string, value: string, why = 'invalid value'): never {
  throw new DeliveryError(
    DeliveryErrorCode.InvalidDeliverySpec,
    `delivery.${field} "${value}": ${why}`,
    { field, value },
  );
}
