/**
 * One subscription's durable consumer `KN_SUB_<UID>` and the loop that delivers from it.
 * Every replica runs the same loop on the same durable pull consumer, so JetStream shares
 * the messages out between them. A message is acked only once the event was delivered
 * (and any reply forwarded) or dead-lettered, through the same Sender.dispatch as the
 * in-memory channel: backoff, Retry-After, timeouts, replies and dead letters behave
 * alike, the retries themselves being JetStream redeliveries (NAK with the delay). A delivery that failed for good without a dead-letter sink is
 * terminated (dropped, as Knative does). While a delivery runs the dispatcher reports
 * progress every half AckWait, so JetStream redelivers only what a dead or stalled
 * dispatcher held. In flight: at most `maxInFlight` per replica (1, in stream order,
 * for an ordered subscription, whose consumer also has MaxAckPending 1).
 */
import {
  JetStreamApiCodes,
  JetStreamApiError,
  type ConsumerConfig,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import type { Logger } from '@knative-ts/reconciler';
import { consumerDrift, type PullOptions } from './consumer-config.js';
import { Semaphore } from './semaphore.js';

/**
 * What becomes of a message once its delivery ended: acked, terminated (failed for good),
 * retried (NAKed with the backoff delay: JetStream delivers it again then), or abandoned
 * at shutdown — NAKed, so that another replica (or this one, restarted) delivers it
 * again: nothing is lost by stopping.
 */
export type Outcome = 'ack' | 'term' | 'abandon' | { retryInMs: number };

/** How long stop() lets deliveries in flight finish before it abandons them. */
export const STOP_GRACE_MS = 2_000;

export interface SubscriptionConsumerOptions {
  stream: string;
  config: Partial<ConsumerConfig> & { durable_name: string };
  ackWaitMs: number;
  /** The template's pull sizing; the dispatcher's own where unset. */
  pull?: PullOptions;
  ordered: boolean;
  maxInFlight: number;
  /**
   * Delivers one message; resolves with what to tell JetStream. Must not throw. `signal`
   * aborts when the consumer stops and the grace period is over.
   */
  deliver: (msg: JsMsg, signal: AbortSignal) => Promise<Outcome>;
  log: Logger;
  /** Wait before pulling again after the pull failed (ms). */
  retryMs?: number;
}

export class SubscriptionConsumer {
  private stopped = false;
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;
  private messages: ConsumerMessages | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly slots: Semaphore;

  constructor(
    private readonly jsm: JetStreamManager,
    private readonly js: JetStreamClient,
    private options: SubscriptionConsumerOptions,
  ) {
    this.slots = new Semaphore(options.ordered ? 1 : options.maxInFlight);
  }

  get name(): string {
    return this.options.config.durable_name;
  }

  /** Creates the durable consumer, or updates it to the wanted config. */
  async ensure(): Promise<'created' | 'updated' | 'unchanged'> {
    const { stream, config } = this.options;
    let current: Record<string, unknown> | undefined;
    try {
      current = (await this.jsm.consumers.info(stream, config.durable_name))
        .config as unknown as Record<string, unknown>;
    } catch (err) {
      if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound))
        throw err;
    }
    if (current === undefined) {
      await this.jsm.consumers.add(stream, config);
      return 'created';
    }
    const drift = consumerDrift(config as Record<string, unknown>, current);
    if (drift.length === 0) return 'unchanged';
    await this.jsm.consumers.update(stream, config.durable_name, config);
    return 'updated';
  }

  /** Starts pulling (idempotent). */
  start(): void {
    this.loop ??= this.run();
  }

  /** Replaces the delivery (subscriber, reply, dead-letter sink) for what comes next. */
  setDeliver(deliver: SubscriptionConsumerOptions['deliver']): void {
    this.options = { ...this.options, deliver };
  }

  /** Stops pulling and waits for the deliveries in flight to end (and be acked). */
  async stop(): Promise<void> {
    this.stopped = true;
    // A delivery still retrying after the grace period is abandoned (NAKed), not awaited:
    // its retries could run for the whole dispatch deadline.
    const grace = setTimeout(() => this.stopping.abort(), STOP_GRACE_MS);
    try {
      // close() only settles once the pull loop iterates past it, so wait for the loop.
      void this.messages?.close();
      await this.loop;
      while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    } finally {
      clearTimeout(grace);
    }
  }

  /** Deletes the durable consumer from the stream (its subscription is gone). */
  async remove(): Promise<void> {
    await this.stop();
    try {
      await this.jsm.consumers.delete(this.options.stream, this.name);
    } catch (err) {
      if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound)
        return;
      throw err;
    }
  }

  private async run(): Promise<void> {
    const { stream, log, ordered } = this.options;
    const fields = { stream, consumer: this.name };
    while (!this.stopped) {
      try {
        const consumer = await this.js.consumers.get(stream, this.name);
        const { batch, expiresMs } = this.options.pull ?? {};
        const max = ordered ? 1 : (batch ?? Math.min(this.options.maxInFlight, 256));
        this.messages = await consumer.consume({
          max_messages: max,
          ...(expiresMs !== undefined && { expires: expiresMs }),
        });
        if (this.stopped) {
          // stop() came while consume() was starting. Awaiting close() here would hang:
          // it settles only when the iterator below runs, and nothing runs it any more.
          void this.messages.close();
          break;
        }
        for await (const msg of this.messages) {
          await this.slots.acquire();
          const work = this.handle(msg).finally(() => this.slots.release());
          if (ordered) {
            await work;
            continue;
          }
          this.inFlight.add(work);
          void work.finally(() => this.inFlight.delete(work));
        }
      } catch (err) {
        if (this.stopped) break;
        log.warn({ ...fields, err }, 'pulling from the consumer failed, retrying');
      }
      if (!this.stopped) await sleep(this.options.retryMs ?? 1000);
    }
  }

  private async handle(msg: JsMsg): Promise<void> {
    const every = Math.max(100, Math.floor(this.options.ackWaitMs / 2));
    // Progress reports keep a long delivery (retries, backoff) from being redelivered meanwhile.
    const progress = setInterval(() => msg.working(), every);
    let outcome: Outcome;
    try {
      outcome = await this.options.deliver(msg, this.stopping.signal);
    } catch (err) {
      // deliver must not throw; if it does, let JetStream redeliver rather than drop.
      this.options.log.error(
        { err, consumer: this.name, seq: msg.seq },
        'delivery threw, not acked',
      );
      clearInterval(progress);
      return;
    }
    clearInterval(progress);
    if (outcome === 'ack') msg.ack();
    else if (outcome === 'term') msg.term();
    else if (outcome === 'abandon') msg.nak();
    else msg.nak(outcome.retryInMs);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
