/**
 * One record per HTTP attempt, handed to a single injected observer: the one point where
 * metrics, logs and the later per-event ledger (DESIGN.md §11) hook in.
 */
import type { DeliveryErrorCode } from '../errors.js';

/**
 * Which leg an attempt belongs to: a dispatch's subscriber, reply and dead-letter legs, or
 * `forward` — an event handed to the next hop of the system (broker-ingress → the trigger
 * channel; adapters → their sink), which is not asked for a reply.
 */
export type DeliveryRole = 'subscriber' | 'reply' | 'deadletter' | 'forward';

export interface DeliveryOutcome {
  /** Event identity (duplicates are identified by source + id). */
  eventId: string;
  eventSource: string;
  eventType: string;
  role: DeliveryRole;
  /** URL as addressed (the cluster address even when local mode connected elsewhere). */
  destination: string;
  /** 1-based attempt number and the most this delivery will make. */
  attempt: number;
  maxAttempts: number;
  /** HTTP status; undefined when no response was received. */
  status?: number;
  durationMs: number;
  /** Why the attempt failed; undefined on success. */
  error?: { code: DeliveryErrorCode; message: string };
  /** Whether another attempt follows, and after how long. */
  willRetry: boolean;
  retryDelayMs?: number;
}

/** Receives every outcome synchronously on the hot path: keep it cheap and never throw. */
export type DeliveryObserver = (outcome: DeliveryOutcome) => void;
