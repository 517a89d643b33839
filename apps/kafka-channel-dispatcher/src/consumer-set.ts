/**
 * Keeps one running SubscriberConsumer per subscriber of every channel whose topic exists,
 * in step with the channel table: new subscribers get a consumer, removed ones (or whole
 * channels) have theirs stopped, a changed delivery order restarts it, and a changed
 * delivery or URI is picked up by the next event without a restart.
 */
import type { Logger } from '@knative-ts/runtime';
import type { ChannelConfig, CompiledSubscriber } from './channel-config.js';

/** What the set needs of a consumer. */
export interface RunningConsumer {
  start(): void;
  stop(): Promise<void>;
  isJoined(): boolean;
}

/** Builds the consumer of `sub` on `channel`; `current` returns its latest config. */
export type ConsumerFactory = (
  channel: ChannelConfig,
  sub: CompiledSubscriber,
  current: () => CompiledSubscriber | undefined,
) => RunningConsumer;

interface Entry {
  consumer: RunningConsumer;
  order: ChannelConfig['order'];
  sub: CompiledSubscriber;
}

export class ConsumerSet {
  /** By channel key `<ns>/<name>`, then subscriber uid. */
  private readonly channels = new Map<string, Map<string, Entry>>();
  private readonly stopping = new Set<Promise<void>>();

  constructor(
    private readonly create: ConsumerFactory,
    private readonly log: Logger,
  ) {}

  /** Aligns the consumers of channel `key` with `channel` (undefined: the channel is gone). */
  sync(key: string, channel: ChannelConfig | undefined): void {
    const entries = this.channels.get(key) ?? new Map<string, Entry>();
    const desired = new Map(
      channel?.topicReady ? channel.subscribers.map((s) => [s.uid, s] as const) : [],
    );
    for (const [uid, entry] of entries) {
      const sub = desired.get(uid);
      if (sub && entry.order === channel?.order) {
        entry.sub = sub;
        continue;
      }
      entries.delete(uid);
      this.stopLater(entry, key, uid);
    }
    for (const [uid, sub] of desired) {
      if (entries.has(uid) || channel === undefined) continue;
      const entry: Entry = { order: channel.order, sub, consumer: undefined as never };
      entry.consumer = this.create(channel, sub, () =>
        this.channels.get(key)?.get(uid) === entry ? entry.sub : undefined,
      );
      entries.set(uid, entry);
      entry.consumer.start();
      this.log.info({ channel: key, group: sub.group, order: channel.order }, 'consumer started');
    }
    if (entries.size > 0) this.channels.set(key, entries);
    else this.channels.delete(key);
  }

  /** Whether the consumer of subscriber `uid` on channel `key` joined its group. */
  isJoined(key: string, uid: string): boolean {
    return this.channels.get(key)?.get(uid)?.consumer.isJoined() ?? false;
  }

  get size(): number {
    let n = 0;
    for (const entries of this.channels.values()) n += entries.size;
    return n;
  }

  /** Stops every consumer (their in-flight deliveries finish first). */
  async stop(): Promise<void> {
    for (const [key, entries] of this.channels) {
      for (const [uid, entry] of entries) this.stopLater(entry, key, uid);
    }
    this.channels.clear();
    await Promise.all([...this.stopping]);
  }

  private stopLater(entry: Entry, key: string, uid: string): void {
    const done = entry.consumer
      .stop()
      .catch((err: unknown) => this.log.warn({ err, channel: key, uid }, 'consumer stop failed'))
      .finally(() => this.stopping.delete(done));
    this.stopping.add(done);
    this.log.info({ channel: key, group: entry.sub.group }, 'consumer stopped');
  }
}
