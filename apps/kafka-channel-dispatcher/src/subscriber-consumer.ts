/**
 * The consumer group of one KafkaChannel subscriber (`kafka.<ns>.<channel>.<uid>`): reads
 * the channel's topic and hands each event to the delivery engine (retries, backoff,
 * reply, dead-letter sink). An offset is resolved only once its event was delivered,
 * replied or dead-lettered (or, failing all of them, given up after the retries, as
 * Knative's Kafka dispatcher does), and never past an unfinished one; so a crash redelivers
 * and never skips. Ordered: one event in flight per partition, the partition waits while
 * its event is retried. Unordered: up to `maxInFlight` per partition, committed up to the
 * lowest unfinished offset. Memory stays bounded: kafkajs fetches the next batch of a
 * partition only after this one is done, and each fetch is capped in bytes.
 */
import type { CloudEvent, DispatchResult, Sender } from '@knative-ts/delivery';
import { eventKey } from '@knative-ts/delivery';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@knative-ts/runtime';
import type { KafkaDeliveryOrder } from '@knative-ts/types';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { CompiledSubscriber } from './channel-config.js';
import { initializeOffsets } from './initial-offsets.js';
import { fromRecord } from './kafka-binding.js';
import type { SharedAdmin } from './shared-admin.js';

export interface SubscriberConsumerOptions {
  kafka: Pick<Kafka, 'consumer'>;
  /** The process's admin, for the group's initial offsets. */
  admin: Pick<SharedAdmin, 'run'>;
  namespace: string;
  channel: string;
  topic: string;
  group: string;
  order: KafkaDeliveryOrder;
  /** The subscriber as currently configured (delivery and URIs may change while running). */
  current(): CompiledSubscriber | undefined;
  sender: Pick<Sender, 'dispatch'>;
  log: Logger;
  maxInFlight: number;
  fetch: { maxBytesPerPartition: number; maxBytes: number };
  /** Wait between attempts to set the group up when Kafka is unreachable. */
  retryDelayMs?: number;
  /** Reports each finished event (tests and metrics). */
  onFinished?(event: CloudEvent, result: DispatchResult): void;
}

/** Partitions of one subscriber read in parallel at most. */
const PARTITIONS_CONCURRENTLY = 16;
/** How often resolved offsets are committed while events flow. */
const COMMIT_INTERVAL_MS = 1_000;
/** A delivery can outlast kafkajs's session timeout: keep the membership alive meanwhile. */
const HEARTBEAT_MS = 3_000;

/** Raised inside a batch being abandoned (stop or rebalance): its offset must stay unresolved. */
class Abandoned extends Error {}

export class SubscriberConsumer {
  private consumer: Consumer | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private joined = false;
  /** Ends deliveries in flight on stop: their offsets stay unresolved, so they are redelivered. */
  private readonly abort = new AbortController();

  constructor(private readonly o: SubscriberConsumerOptions) {}

  /** Whether this member has joined its group and got its partitions. */
  isJoined(): boolean {
    return this.joined;
  }

  /** Sets the group up and starts consuming, retrying in the background until it can. */
  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    clearTimeout(this.restartTimer);
    await this.running;
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
  }

  private async run(): Promise<void> {
    const { log, group, topic, retryDelayMs = 2_000 } = this.o;
    const { signal } = this.abort;
    while (!this.stopped) {
      try {
        // Abandoned on stop: against an unreachable Kafka it retries far longer than a
        // shutdown waits, and the offsets are checked again on the next start anyway.
        const outcome = await untilAborted(
          this.o.admin.run(topic, (admin) => initializeOffsets(admin, group, topic)),
          signal,
        );
        log.info({ group, topic, offsets: outcome }, 'consumer group offsets ready');
        await this.startConsumer();
        return;
      } catch (err) {
        if (this.stopped) return;
        log.warn({ err, group, topic }, 'consumer group not started; retrying');
        await this.disposeConsumer();
        await sleep(retryDelayMs, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  private async startConsumer(): Promise<void> {
    const { kafka, group, topic, fetch, log } = this.o;
    const consumer = kafka.consumer({
      groupId: group,
      maxBytesPerPartition: fetch.maxBytesPerPartition,
      maxBytes: fetch.maxBytes,
      maxWaitTimeInMs: 500,
      // Every partition has a committed offset (initializeOffsets); this only applies when
      // retention removed it, and then the oldest kept event is the least loss.
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => (this.joined = true));
    consumer.on(consumer.events.CRASH, (e) => {
      this.joined = false;
      const { error, restart } = e.payload;
      log.warn({ err: error, group, restart }, 'consumer crashed');
      // kafkajs restarts retriable crashes itself; anything else gets a fresh consumer.
      if (!restart && !this.stopped) this.scheduleRestart();
    });
    await untilAborted(consumer.connect(), this.abort.signal);
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      // Resolved offsets are committed at most every COMMIT_INTERVAL_MS (and on rebalance
      // and stop): a crash redelivers at most that much, and Kafka is not asked per event.
      autoCommitInterval: COMMIT_INTERVAL_MS,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: PARTITIONS_CONCURRENTLY,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  private scheduleRestart(): void {
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      void this.disposeConsumer().then(() => {
        if (this.stopped) return;
        this.running = this.run();
      });
    }, this.o.retryDelayMs ?? 2_000);
  }

  private async disposeConsumer(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    this.joined = false;
    await consumer?.disconnect().catch((err: unknown) => {
      this.o.log.debug({ err, group: this.o.group }, 'disconnecting a failed consumer failed');
    });
  }

  /** One partition's batch: bounded concurrency, offsets resolved as a contiguous prefix. */
  private async eachBatch(p: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary } = p;
    const messages = batch.messages;
    const width = this.o.order === 'ordered' ? 1 : Math.min(this.o.maxInFlight, messages.length);
    const done = new Array<boolean>(messages.length).fill(false);
    let next = 0;
    let lowest = 0;
    let abandoned = false;
    const beat = setInterval(() => {
      heartbeat().catch((err: unknown) => this.o.log.debug({ err }, 'heartbeat failed'));
    }, HEARTBEAT_MS);
    const worker = async (): Promise<void> => {
      while (next < messages.length) {
        if (abandoned || !isRunning() || isStale() || this.stopped) return;
        const i = next++;
        try {
          await this.deliver(messages[i] as KafkaMessage, batch.partition);
        } catch (err) {
          if (!(err instanceof Abandoned)) throw err;
          abandoned = true;
          return;
        }
        done[i] = true;
        while (lowest < messages.length && done[lowest]) {
          resolveOffset((messages[lowest] as KafkaMessage).offset);
          lowest++;
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: width }, worker));
    } finally {
      clearInterval(beat);
    }
    await commitOffsetsIfNecessary();
  }

  /** Dispatches one record; resolves once the event is finished with. */
  private async deliver(message: KafkaMessage, partition: number): Promise<void> {
    const { log, group } = this.o;
    const decoded = fromRecord(message);
    if ('error' in decoded) {
      // Nothing can ever deliver it: skipping it is the only way forward.
      log.error(
        { group, partition, offset: message.offset, reason: decoded.error },
        'record skipped',
      );
      return;
    }
    const sub = this.o.current();
    if (sub === undefined || this.stopped) throw new Abandoned('subscriber removed');
    const result = await this.o.sender
      .dispatch(decoded.event, {
        subscriber: sub.subscriber,
        ...(sub.reply !== undefined && { reply: sub.reply }),
        ...(sub.deadLetterSink !== undefined && { deadLetterSink: sub.deadLetterSink }),
        config: sub.config,
        namespace: this.o.namespace,
        signal: this.abort.signal,
      })
      .catch((err: unknown): DispatchResult => {
        log.error({ err, group, event: eventKey(decoded.event) }, 'dispatch threw');
        return { ok: false, deadLettered: false };
      });
    if (this.abort.signal.aborted) throw new Abandoned('stopping');
    if (!result.ok) {
      log.warn(
        {
          group,
          partition,
          offset: message.offset,
          event: eventKey(decoded.event),
          status: result.status,
          err: result.error,
        },
        'event not delivered after retries and no dead-letter sink took it',
      );
    }
    this.o.onFinished?.(decoded.event, result);
  }
}

/** `work`, or a rejection as soon as `signal` aborts (`work` is left to settle). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  work.catch(() => undefined);
  if (signal.aborted) return Promise.reject(new Abandoned('stopping'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Abandoned('stopping'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
