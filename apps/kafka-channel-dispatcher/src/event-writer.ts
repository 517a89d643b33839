/**
 * Writes events to Kafka with an idempotent producer and acks=all, resolving each write
 * only once Kafka acknowledged it. An idempotent producer allows one request in flight,
 * so writes that arrive while a request is out are gathered into the next one: batches
 * grow with load and nothing waits when idle. A write is refused at once (Overloaded)
 * when too many bytes are already waiting, and fails (Unavailable) when Kafka has not
 * acknowledged it within the timeout; a failed or timed-out request replaces the producer,
 * so a broker restart that invalidated its producer id does not poison later writes, and
 * one stuck request does not hold up every channel behind it. A deleted topic that the
 * producer wrote to replaces it too (see deleted-topics.ts).
 */
import { withDeadline, type Logger } from '@knative-ts/runtime';
import type { Producer } from 'kafkajs';
import { TouchedTopics } from './deleted-topics.js';
import type { EventRecord } from './kafka-binding.js';

/** Why a write was not stored; the ingress maps each to a status code. */
export class WriteError extends Error {
  constructor(
    readonly code: 'Overloaded' | 'Unavailable',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WriteError';
  }
}

export interface EventWriterOptions {
  /** Creates a producer (idempotent, acks=all); called again after a failed request. */
  newProducer(): Producer;
  timeoutMs: number;
  maxPendingBytes: number;
  log: Logger;
  /** Records per request at most. */
  maxBatch?: number;
}

interface Pending {
  topic: string;
  record: EventRecord;
  bytes: number;
  settled: boolean;
  resolve(): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/** How long a replaced producer may take to disconnect before the writer moves on. */
const DISCONNECT_WAIT_MS = 2_000;

/** The one writer of a dispatcher process. */
export class EventWriter {
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;
  private queue: Pending[] = [];
  private pendingBytes = 0;
  private sending = false;
  private closed = false;
  private connected = false;
  /** Topics the current producer wrote to; one of them deleted makes it `stale`. */
  private readonly touched = new TouchedTopics();
  private stale = false;

  constructor(private readonly options: EventWriterOptions) {}

  /** Whether the last attempt to reach Kafka succeeded. */
  isConnected(): boolean {
    return this.connected;
  }

  /** Connects ahead of the first write; failures are logged and retried by writes. */
  async start(): Promise<void> {
    try {
      await this.ensureProducer();
    } catch (err) {
      this.options.log.warn({ err }, 'Kafka producer not connected yet; writes will retry');
    }
  }

  /** Resolves once Kafka stored `record` in `topic`; rejects with a WriteError otherwise. */
  write(topic: string, record: EventRecord): Promise<void> {
    if (this.closed) return Promise.reject(new WriteError('Unavailable', 'dispatcher is stopping'));
    const bytes = recordBytes(record);
    if (this.pendingBytes + bytes > this.options.maxPendingBytes && this.pendingBytes > 0) {
      return Promise.reject(
        new WriteError('Overloaded', `${this.pendingBytes} bytes already waiting for Kafka`),
      );
    }
    return new Promise<void>((resolve, reject) => {
      const entry: Pending = {
        topic,
        record,
        bytes,
        settled: false,
        resolve,
        reject,
        timer: setTimeout(
          () =>
            this.settle(
              entry,
              new WriteError(
                'Unavailable',
                `Kafka did not acknowledge the write within ${this.options.timeoutMs} ms`,
              ),
            ),
          this.options.timeoutMs,
        ),
      };
      this.queue.push(entry);
      this.pendingBytes += bytes;
      void this.pump();
    });
  }

  /** `topic` was deleted: a producer that wrote to it is replaced before the next request. */
  forgetTopic(topic: string): void {
    if (!this.touched.has(topic)) return;
    this.options.log.info({ topic }, 'topic deleted; the next write uses a fresh producer');
    this.stale = true;
  }

  /** Fails what is still waiting and disconnects. */
  async close(): Promise<void> {
    this.closed = true;
    for (const entry of this.queue)
      this.settle(entry, new WriteError('Unavailable', 'dispatcher is stopping'));
    this.queue = [];
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect();
  }

  /** One request at a time; whatever queued meanwhile goes into the next. */
  private async pump(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const batch = this.take();
        if (batch.length === 0) continue;
        await this.send(batch);
      }
    } finally {
      this.sending = false;
    }
  }

  /** The next batch: live entries only (timed-out ones were already answered). */
  private take(): Pending[] {
    const max = this.options.maxBatch ?? 1000;
    const batch: Pending[] = [];
    while (this.queue.length > 0 && batch.length < max) {
      const entry = this.queue.shift() as Pending;
      if (!entry.settled) batch.push(entry);
    }
    return batch;
  }

  private async send(batch: Pending[]): Promise<void> {
    const byTopic = new Map<string, EventRecord[]>();
    for (const entry of batch) {
      const list = byTopic.get(entry.topic) ?? [];
      list.push(entry.record);
      byTopic.set(entry.topic, list);
    }
    try {
      // Requests are serial, so nothing is in flight on the stale producer now.
      if (this.stale) await this.resetProducer();
      const producer = await this.ensureProducer();
      for (const topic of byTopic.keys()) this.touched.add(topic);
      await withDeadline(
        producer.sendBatch({
          acks: -1,
          timeout: this.options.timeoutMs,
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        }),
        // Every write of the batch has been answered 503 by then; kafkajs may go on
        // retrying far longer, and the writes behind it must not wait for that.
        this.options.timeoutMs,
        'Kafka produce request',
      );
      this.connected = true;
      for (const entry of batch) this.settle(entry);
    } catch (err) {
      this.connected = false;
      this.options.log.warn({ err, events: batch.length }, 'Kafka refused or lost a write');
      const failure = new WriteError(
        'Unavailable',
        `Kafka did not store the event: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
      for (const entry of batch) this.settle(entry, failure);
      await this.resetProducer();
    }
  }

  private settle(entry: Pending, err?: Error): void {
    if (entry.settled) return;
    entry.settled = true;
    clearTimeout(entry.timer);
    this.pendingBytes -= entry.bytes;
    if (err) entry.reject(err);
    else entry.resolve();
  }

  private async ensureProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.connecting ??= (async () => {
      const producer = this.options.newProducer();
      try {
        await producer.connect();
      } catch (err) {
        await producer.disconnect().catch((e: unknown) => {
          this.options.log.debug(
            { err: e },
            'disconnecting a producer that never connected failed',
          );
        });
        throw err;
      }
      this.producer = producer;
      this.connected = true;
      return producer;
    })().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async resetProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    this.touched.clear();
    this.stale = false;
    if (!producer) return;
    // Bounded: the next request must not wait on a producer that is being thrown away.
    await withDeadline(producer.disconnect(), DISCONNECT_WAIT_MS, 'producer disconnect').catch(
      (err: unknown) => {
        this.options.log.debug({ err }, 'disconnecting the replaced producer failed');
      },
    );
  }
}

function recordBytes(record: EventRecord): number {
  let bytes = (record.value?.length ?? 0) + (record.key?.length ?? 0);
  for (const [k, v] of Object.entries(record.headers)) bytes += k.length + v.length;
  return bytes;
}
