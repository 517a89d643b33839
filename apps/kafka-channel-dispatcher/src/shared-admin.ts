/**
 * One kafkajs Admin for the process, connected on first use and again after a failure,
 * and replaced once a topic it touched is deleted (see deleted-topics.ts): otherwise no
 * subscriber of any channel could set up its group after the first channel deletion.
 */
import { withDeadline, type Logger } from '@knative-ts/runtime';
import type { Admin, Kafka } from 'kafkajs';
import { isUnknownTopicError, TouchedTopics } from './deleted-topics.js';

/** A replaced admin is disconnected this long after, so requests still on it finish. */
const RETIRE_AFTER_MS = 15_000;
/** Shutdown does not wait longer for an admin still retrying its connection. */
const CLOSE_WAIT_MS = 2_000;

export class SharedAdmin {
  private admin: Promise<Admin> | undefined;
  private readonly touched = new TouchedTopics();
  private readonly retiring = new Set<NodeJS.Timeout>();
  private readonly retired = new Set<Promise<Admin>>();

  constructor(
    private readonly kafka: Pick<Kafka, 'admin'>,
    private readonly log: Logger,
    private readonly retireAfterMs = RETIRE_AFTER_MS,
  ) {}

  /**
   * Runs `fn` with the admin for a request about `topic`. An unknown-topic failure may
   * come from another, deleted topic in the admin's metadata: the request is tried once
   * more on a fresh admin, which then knows `topic` only.
   */
  async run<T>(topic: string, fn: (admin: Admin) => Promise<T>): Promise<T> {
    try {
      return await this.once(topic, fn);
    } catch (err) {
      if (!isUnknownTopicError(err)) throw err;
      this.log.info({ topic }, 'Kafka admin reports an unknown topic; retrying on a fresh admin');
      this.replace();
      return this.once(topic, fn);
    }
  }

  /** `topic` was deleted: an admin that touched it is replaced before its next request. */
  forgetTopic(topic: string): void {
    if (!this.touched.has(topic)) return;
    this.log.info({ topic }, 'topic deleted; replacing the Kafka admin that knew it');
    this.replace();
  }

  async close(): Promise<void> {
    for (const timer of this.retiring) clearTimeout(timer);
    this.retiring.clear();
    const admins = [...this.retired, ...(this.admin ? [this.admin] : [])];
    this.retired.clear();
    this.admin = undefined;
    await Promise.all(admins.map((admin) => this.disconnect(admin)));
  }

  private async once<T>(topic: string, fn: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = await this.get();
    this.touched.add(topic);
    return fn(admin);
  }

  /** The connected admin; a failed connection is forgotten so the next call retries. */
  private get(): Promise<Admin> {
    if (this.admin) return this.admin;
    const connecting = (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    this.admin = connecting;
    connecting.catch((err: unknown) => {
      this.log.debug({ err }, 'Kafka admin did not connect; the next use retries');
      if (this.admin === connecting) this.admin = undefined;
    });
    return connecting;
  }

  private replace(): void {
    const old = this.admin;
    this.admin = undefined;
    this.touched.clear();
    if (!old) return;
    this.retired.add(old);
    const timer = setTimeout(() => {
      this.retiring.delete(timer);
      this.retired.delete(old);
      void this.disconnect(old);
    }, this.retireAfterMs);
    timer.unref();
    this.retiring.add(timer);
  }

  private async disconnect(admin: Promise<Admin>): Promise<void> {
    await withDeadline(
      admin.then((a) => a.disconnect()),
      CLOSE_WAIT_MS,
      'Kafka admin disconnect',
    ).catch((err: unknown) => this.log.debug({ err }, 'Kafka admin close failed'));
  }
}
