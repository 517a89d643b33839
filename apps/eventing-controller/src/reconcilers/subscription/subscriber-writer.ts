import { apiError, isInvalid, refOf, type KubeClient } from '@knative-ts/kube';
import type { Channelable } from './channel-lookup.js';
import {
  appliedChanges,
  changedSubscribers,
  subscribersPatch,
  type SubscriberChange,
} from './channel-subscribers.js';

/** Fresh reads after a stale one before the writes give up and are retried later. */
export const MaxSubscriberWrites = 5;

interface Request {
  change: SubscriberChange;
  resolve: (written: boolean) => void;
  reject: (err: unknown) => void;
}

interface ChannelQueue {
  /** The newest copy of the channel known here: a write's answer beats the informer's. */
  latest: Channelable;
  pending: Request[];
}

/**
 * Writes Subscriptions into their channels' spec.subscribers, one patch for all the
 * changes asked of a channel while its previous patch was in flight (a group commit).
 *
 * With a thousand Triggers on one Broker, a thousand Subscriptions want the same channel
 * at once. Written one by one, every entry costs the API server a write of the whole and
 * ever larger object (450 bytes per subscriber), plus the status writes of the channel's
 * reconciler and dispatcher that each spec change sets off; at 740 subscribers that was
 * 0.7 entries a second. Here the changes that queue behind a patch go out together in the
 * next one, and each caller still learns whether its own change was written, or the error
 * that stopped it.
 */
export class SubscriberWriter {
  private readonly queues = new Map<string, ChannelQueue>();

  constructor(private readonly client: KubeClient) {}

  /**
   * Applies `change` to the channel's list. Resolves with whether it changed the list;
   * rejects with the API server's error, or with a conflict after MaxSubscriberWrites
   * stale reads in a row (the reconcile is then retried with backoff).
   */
  write(cached: Channelable, change: SubscriberChange): Promise<boolean> {
    const key = channelKey(cached);
    const queue = this.queues.get(key);
    // The common case at scale: a re-reconcile of a Subscription already in the list.
    if (!queue && !changedSubscribers(cached, change)) return Promise.resolve(false);
    return new Promise((resolve, reject) => {
      const request = { change, resolve, reject };
      if (queue) {
        queue.latest = newer(queue.latest, cached);
        queue.pending.push(request);
        return;
      }
      const started: ChannelQueue = { latest: cached, pending: [request] };
      this.queues.set(key, started);
      void this.drain(key, started);
    });
  }

  /** Commits the queue's changes batch after batch until none is left. */
  private async drain(key: string, queue: ChannelQueue): Promise<void> {
    try {
      while (queue.pending.length > 0) {
        const batch = queue.pending.splice(0);
        // commit settles every request itself; this catches what it did not foresee (an
        // entry builder that throws), so no caller waits forever.
        await this.commit(queue, batch).catch((err: unknown) => rejectAll(batch, err));
      }
    } finally {
      this.queues.delete(key);
    }
  }

  /** One patch for `batch`; every request of it is resolved or rejected when it returns. */
  private async commit(queue: ChannelQueue, batch: Request[]): Promise<void> {
    let channel = queue.latest;
    for (let attempt = 1; attempt <= MaxSubscriberWrites; attempt++) {
      const { subscribers, changed } = appliedChanges(
        channel,
        batch.map((r) => r.change),
      );
      if (!subscribers) {
        for (const r of batch) r.resolve(false);
        return;
      }
      try {
        queue.latest = await this.client.jsonPatch<Channelable>(
          refOf(channel),
          subscribersPatch(channel, subscribers),
        );
        batch.forEach((r, i) => r.resolve(changed[i] ?? false));
        return;
      } catch (err) {
        const fresh = isInvalid(err) ? await this.read(channel, batch) : undefined;
        if (!fresh) return rejectAll(batch, err);
        if (fresh.metadata.generation === channel.metadata.generation) {
          // The same generation: the patch itself was refused, not a stale read. One bad
          // entry must not fail the others: each goes alone, and only it gets the error.
          if (batch.length === 1) return rejectAll(batch, err);
          queue.latest = fresh;
          for (const r of batch) await this.commit(queue, [r]);
          return;
        }
        channel = fresh;
        queue.latest = fresh;
      }
    }
    rejectAll(
      batch,
      apiError(
        409,
        'Conflict',
        `spec.subscribers of ${channel.kind} "${channel.metadata.name ?? ''}" changed under ${MaxSubscriberWrites} writes in a row`,
        { verb: 'patch', ...refOf(channel) },
      ),
    );
  }

  /** The channel as the API server has it now; undefined (the batch rejected) if that fails. */
  private async read(channel: Channelable, batch: Request[]): Promise<Channelable | undefined> {
    try {
      return await this.client.get<Channelable>(refOf(channel));
    } catch (err) {
      rejectAll(batch, err);
      return undefined;
    }
  }
}

function rejectAll(batch: Request[], err: unknown): void {
  for (const r of batch) r.reject(err);
}

function channelKey(channel: Channelable): string {
  const { namespace, name } = channel.metadata;
  return `${channel.apiVersion}/${channel.kind}/${namespace ?? ''}/${name ?? ''}`;
}

/** Of two copies of one channel, the one with the later spec. */
function newer(a: Channelable, b: Channelable): Channelable {
  return (b.metadata.generation ?? 0) > (a.metadata.generation ?? 0) ? b : a;
}
