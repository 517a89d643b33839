/**
 * The durable pull consumer of one subscription, after eventing-natss's
 * buildPullConsumerConfig, with one deliberate difference. As in eventing-natss, the
 * retries are JetStream redeliveries: each delivery is one attempt, and a failure with
 * attempts left is NAKed with the backoff delay (delivery.ts), the delivery count being
 * the attempt number. Knative also sets MaxDeliver = retry + 1, so a dispatcher killed
 * during the last attempt (with the default retry 0, the first) leaves the event with no
 * delivery left: dropped. Here MaxDeliver is unlimited (-1) unless
 * `consumerConfigTemplate.maxDeliver` asks otherwise; the dispatcher stops at retry + 1
 * itself, counting a delivery past it as the last attempt, so every event gets at least
 * one real attempt before it is dead-lettered or dropped. AckWait is the delivery timeout
 * + 500 ms as in Knative (else the template's ackWait, else 30 s); the dispatcher reports
 * progress (`+WPI`) while an attempt, its reply or its dead letter is under way. Ordered
 * subscriptions get MaxAckPending 1: one event at a time across every replica, a NAKed
 * event still pending, so the next waits for its retries. The template's fetchBatchSize
 * and fetchMaxWait size each pull request, as in eventing-natss's pull consumer;
 * `consumerType: push` is served by the same pull consumer (the delivery guarantees are
 * the same, and replicas share a pull consumer without a queue group). Pure.
 */
import type { ConsumerConfig } from '@nats-io/jetstream';
import { nanos, parseGoDuration } from '@knative-ts/nats';
import type { ConsumerConfigTemplate } from '@knative-ts/types';

/** JetStream's default AckWait. */
export const DEFAULT_ACK_WAIT_MS = 30_000;
const ACK_WAIT_JITTER_MS = 500;
/** JetStream's default MaxAckPending. */
export const DEFAULT_MAX_ACK_PENDING = 1000;

const DELIVER = {
  All: 'all',
  Last: 'last',
  New: 'new',
  ByStartSequence: 'by_start_sequence',
  ByStartTime: 'by_start_time',
} as const;
const REPLAY = { Instant: 'instant', Original: 'original' } as const;

/** nats.js refuses a pull that expires sooner. */
const MIN_PULL_EXPIRES_MS = 1_000;

/** How each pull request is sized: messages per pull, and how long a pull waits. */
export interface PullOptions {
  batch?: number;
  expiresMs?: number;
}

export interface ConsumerConfigArgs {
  name: string;
  template?: ConsumerConfigTemplate;
  /** The subscription's per-attempt timeout (compiled delivery), if it has one. */
  timeoutMs?: number;
  ordered: boolean;
}

/** The consumer, and the AckWait the dispatcher must heartbeat within, in milliseconds. */
export function makeConsumerConfig(args: ConsumerConfigArgs): {
  config: Partial<ConsumerConfig> & { durable_name: string };
  ackWaitMs: number;
  pull: PullOptions;
} {
  const t = args.template ?? {};
  let ackWaitMs = t.ackWait ? parseGoDuration(t.ackWait) : DEFAULT_ACK_WAIT_MS;
  if (args.timeoutMs !== undefined && args.timeoutMs > 0)
    ackWaitMs = args.timeoutMs + ACK_WAIT_JITTER_MS;
  const config: Partial<ConsumerConfig> & { durable_name: string } = {
    durable_name: args.name,
    ack_policy: 'explicit' as ConsumerConfig['ack_policy'],
    ack_wait: nanos(ackWaitMs),
    max_deliver: t.maxDeliver && t.maxDeliver > 0 ? t.maxDeliver : -1,
    deliver_policy: (DELIVER[t.deliverPolicy as keyof typeof DELIVER] ??
      'all') as ConsumerConfig['deliver_policy'],
    replay_policy: (REPLAY[t.replayPolicy as keyof typeof REPLAY] ??
      'instant') as ConsumerConfig['replay_policy'],
    max_ack_pending: args.ordered ? 1 : t.maxAckPending || DEFAULT_MAX_ACK_PENDING,
  };
  if (t.optStartSeq) config.opt_start_seq = t.optStartSeq;
  if (t.optStartTime) config.opt_start_time = t.optStartTime;
  if (t.filterSubject) config.filter_subject = t.filterSubject;
  if (t.rateLimitBPS) config.rate_limit_bps = t.rateLimitBPS;
  if (t.sampleFrequency) config.sample_freq = t.sampleFrequency;
  return { config, ackWaitMs, pull: pullOptions(t) };
}

function pullOptions(t: ConsumerConfigTemplate): PullOptions {
  const pull: PullOptions = {};
  if (t.fetchBatchSize && t.fetchBatchSize > 0) pull.batch = t.fetchBatchSize;
  if (t.fetchMaxWait !== undefined) {
    // Knative's CRD declares nanoseconds; a Go duration string is accepted as well.
    const ms =
      typeof t.fetchMaxWait === 'number' ? t.fetchMaxWait / 1e6 : parseGoDuration(t.fetchMaxWait);
    if (ms > 0) pull.expiresMs = Math.max(MIN_PULL_EXPIRES_MS, Math.round(ms));
  }
  return pull;
}

/** The fields of `want` that the server's consumer differs in. */
export function consumerDrift(
  want: Record<string, unknown>,
  actual: Record<string, unknown>,
): string[] {
  return Object.entries(want)
    .filter(([key, value]) => actual[key] !== value)
    .map(([key]) => key);
}
