/**
 * Writes events to Kafka with an idempotent producer and acks=all, resolving each write
 * only once Kafka acknowledged it. An idempotent producer allows one request in flight,
 * so writes that arrive while a request is out are gathered into the next one: batches
 * grow with load and nothing waits when idle. A write is refused at once (Overloaded)
 * when too many bytes are already waiting, and fails (Unavailable) when Kafka has not
 * acknowledged it within the timeout; a failed request replaces the producer, so a
 * broker restart that invalidated its producer id does not poison later writes.
 */
import type { Logger } from '@knative-ts/runtime';
import type { Producer } from 'kafkajs';
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

/** The one writer of a dispatcher process. */
export class EventWriter {
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;
  private queue: Pending[] = [];
  private pendingBytes = 0;
  private sending = false;
  private closed = false;
  private connected = false;

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
      const producer = await this.ensureProducer();
      await producer.sendBatch({
        acks: -1,
        timeout: this.options.timeoutMs,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
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
    if (!producer) return;
    await producer.disconnect().catch((err: unknown) => {
      this.options.log.debug({ err }, 'disconnecting the failed producer failed');
    });
  }
}

function recordBytes(record: EventRecord): number {
  let bytes = (record.value?.length ?? 0) + (record.key?.length ?? 0);
  for (const [k, v] of Object.entries(record.headers)) bytes += k.length + v.length;
  return bytes;
}
