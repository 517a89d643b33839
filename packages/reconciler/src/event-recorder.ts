/**
 * Kubernetes Events about reconciled objects, recorded the way client-go's EventRecorder
 * does rather than one awaited POST per reconcile:
 *
 * - `record` never blocks a reconcile: events go to a bounded queue that one sender drains
 *   (a reconcile used to wait on its Event's round trip, and a Broker with a thousand
 *   Triggers re-reconciles each Subscription on every change of the channel, each with
 *   the same "not ready yet" Warning);
 * - an event identical to one already sent (object, type, reason, message) raises that
 *   Event's `count` and `lastTimestamp` instead of creating another, and one still queued
 *   only has its count raised, so a repeat costs at most one request however often it
 *   comes;
 * - per object, a token bucket (client-go's spam filter: burst 25, then one per 5 min)
 *   bounds the requests, so one object failing in a loop cannot flood the API server.
 *
 * An event dropped (queue full, spam filter) is logged at debug level: Events are best
 * effort in Kubernetes too, and the reconcile's outcome is in the object's status.
 */
import {
  eventTimestamp,
  isNotFound,
  type EventInput,
  type KubeClient,
  type KubeObject,
} from '@knative-ts/kube';
import { realClock, type Clock } from './clock.js';
import { silentLogger, type Logger } from './logger.js';

export interface EventRecorderOptions {
  client: Pick<KubeClient, 'createEvent' | 'patch'>;
  /** Source component of the Events, e.g. `eventing-controller`. */
  component: string;
  logger?: Logger;
  clock?: Clock;
  /** Events waiting to be sent before new ones are dropped (default 1000). */
  maxQueued?: number;
  /** Requests per object at once, and the time to earn one more (default 25, 5 min). */
  burst?: number;
  refillMs?: number;
  /** Sent events remembered for counting repeats (default 4096, as client-go's LRU). */
  maxRemembered?: number;
}

interface Pending {
  key: string;
  input: EventInput;
  count: number;
}

interface Sent {
  namespace: string;
  name: string;
  count: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
}

export class EventRecorder {
  private readonly queue: Pending[] = [];
  private readonly queued = new Map<string, Pending>();
  private readonly sent = new Map<string, Sent>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly clock: Clock;
  private readonly log: Logger;
  private draining: Promise<void> | undefined;

  constructor(private readonly options: EventRecorderOptions) {
    this.clock = options.clock ?? realClock;
    this.log = options.logger ?? silentLogger;
  }

  /** Queues an Event about `obj`; returns at once. */
  record(
    obj: KubeObject,
    event: { type: 'Normal' | 'Warning'; reason: string; message: string },
  ): void {
    const key = [
      obj.metadata.uid ?? keyOfObject(obj),
      event.type,
      event.reason,
      event.message,
    ].join('\u0000');
    const waiting = this.queued.get(key);
    if (waiting) {
      waiting.count += 1;
      return;
    }
    if (this.queue.length >= (this.options.maxQueued ?? 1000)) {
      this.log.debug(
        { reason: event.reason, object: keyOfObject(obj) },
        'event queue full, event dropped',
      );
      return;
    }
    if (!this.takeToken(obj.metadata.uid ?? keyOfObject(obj))) {
      this.log.debug(
        { reason: event.reason, object: keyOfObject(obj) },
        'event rate-limited, dropped',
      );
      return;
    }
    const pending: Pending = {
      key,
      input: { involvedObject: obj, ...event, component: this.options.component },
      count: 1,
    };
    this.queue.push(pending);
    this.queued.set(key, pending);
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
  }

  /** Resolves once every queued event has been sent (or failed). */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private takeToken(objectKey: string): boolean {
    const burst = this.options.burst ?? 25;
    const refillMs = this.options.refillMs ?? 300_000;
    const now = this.clock.now();
    const bucket = this.buckets.get(objectKey) ?? { tokens: burst, updatedMs: now };
    const earned = Math.floor((now - bucket.updatedMs) / refillMs);
    if (earned > 0) {
      bucket.tokens = Math.min(burst, bucket.tokens + earned);
      bucket.updatedMs += earned * refillMs;
    }
    this.buckets.set(objectKey, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private async drain(): Promise<void> {
    // Start after the current macrotask: the repeats of one pass over the queue coalesce.
    await new Promise((resolve) => setImmediate(resolve));
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      this.queued.delete(next.key);
      try {
        await this.send(next);
      } catch (err) {
        // Best effort, as in client-go: the reconcile's outcome is in the status.
        this.log.warn(
          { err, reason: next.input.reason, object: keyOfObject(next.input.involvedObject) },
          'event recording failed',
        );
      }
    }
  }

  private async send({ key, input, count }: Pending): Promise<void> {
    const previous = this.sent.get(key);
    if (previous) {
      const total = previous.count + count;
      try {
        await this.options.client.patch(
          { apiVersion: 'v1', kind: 'Event', namespace: previous.namespace, name: previous.name },
          { count: total, lastTimestamp: eventTimestamp(new Date(this.clock.now())) },
        );
        this.remember(key, { ...previous, count: total });
        return;
      } catch (err) {
        // Expired (Events live an hour) or deleted: start a new one.
        if (!isNotFound(err)) throw err;
        this.sent.delete(key);
      }
    }
    const created = await this.options.client.createEvent({ ...input, count });
    const namespace = created.metadata.namespace ?? input.involvedObject.metadata.namespace ?? '';
    this.remember(key, { namespace, name: created.metadata.name ?? '', count });
  }

  /** Keeps `sent` to the newest maxRemembered entries (a Map iterates oldest first). */
  private remember(key: string, sent: Sent): void {
    this.sent.delete(key);
    this.sent.set(key, sent);
    const max = this.options.maxRemembered ?? 4096;
    for (const oldest of this.sent.keys()) {
      if (this.sent.size <= max) break;
      this.sent.delete(oldest);
    }
  }
}

function keyOfObject(obj: KubeObject): string {
  const { namespace, name } = obj.metadata;
  return `${obj.kind}/${namespace ? `${namespace}/` : ''}${name ?? ''}`;
}
