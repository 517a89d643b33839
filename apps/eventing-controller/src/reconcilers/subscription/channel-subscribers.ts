import {
  apiError,
  isInvalid,
  jsonEqual,
  refOf,
  type JsonPatchOperation,
  type KubeClient,
} from '@knative-ts/kube';
import type { SubscriberSpec } from '@knative-ts/types';
import type { Channelable } from './channel-lookup.js';
import { withoutSubscriber, withSubscriber } from './resources/make-subscriber-spec.js';

/** Fresh reads after a stale one before the reconcile gives up and is retried later. */
export const MaxSubscriberWrites = 5;

/**
 * The JSON Patch writing `subscribers` only if the channel's spec is still the one read.
 * The test is on metadata.generation, which only spec writes change: the status writes
 * of the channel's reconciler and dispatcher, which a resourceVersion precondition would
 * conflict with (two for every subscriber added), leave it alone, while another
 * Subscription's write to the list makes this one fail and re-read.
 */
export function subscribersPatch(
  channel: Channelable,
  subscribers: SubscriberSpec[],
): JsonPatchOperation[] {
  const write: JsonPatchOperation = channel.spec
    ? { op: 'add', path: '/spec/subscribers', value: subscribers }
    : { op: 'add', path: '/spec', value: { subscribers } };
  return [{ op: 'test', path: '/metadata/generation', value: channel.metadata.generation }, write];
}

/**
 * What one Subscription wants of its channel's list: its entry, built from the channel's
 * spec (its delivery defaults), or, without `entryFor`, no entry at all.
 */
export interface SubscriberChange {
  uid: string;
  entryFor?: (channel: Channelable) => SubscriberSpec;
}

/**
 * The list `change` asks for, or undefined when the channel already has it. The check
 * looks at this Subscription's entry only: with a thousand Subscriptions on one channel,
 * every change of the channel re-reconciles each of them, and nearly all change nothing.
 */
export function changedSubscribers(
  channel: Channelable,
  change: SubscriberChange,
): SubscriberSpec[] | undefined {
  const current = channel.spec?.subscribers ?? [];
  const existing = current.find((s) => s.uid === change.uid);
  if (!change.entryFor) return existing ? withoutSubscriber(current, change.uid) : undefined;
  const entry = change.entryFor(channel);
  if (existing && jsonEqual(existing, entry)) return undefined;
  return withSubscriber(current, entry);
}

/**
 * Applies `change` to the channel's spec.subscribers, re-reading the channel from the API
 * server and recomputing when the cached one was stale (a Broker with many Triggers has
 * many Subscriptions writing the same list at once). Returns whether it wrote; throws a
 * conflict after MaxSubscriberWrites stale reads, so the reconcile is retried with
 * backoff, and any other error as it came.
 */
export async function writeSubscribers(
  client: KubeClient,
  cached: Channelable,
  change: SubscriberChange,
): Promise<boolean> {
  let channel = cached;
  for (let attempt = 1; attempt <= MaxSubscriberWrites; attempt++) {
    const subscribers = changedSubscribers(channel, change);
    if (!subscribers) return false;
    try {
      await client.jsonPatch(refOf(channel), subscribersPatch(channel, subscribers));
      return true;
    } catch (err) {
      if (!isInvalid(err)) throw err;
      const fresh = await client.get<Channelable>(refOf(channel));
      // The same generation: the patch itself was refused, not a stale read.
      if (fresh.metadata.generation === channel.metadata.generation) throw err;
      channel = fresh;
    }
  }
  throw apiError(
    409,
    'Conflict',
    `spec.subscribers of ${channel.kind} "${channel.metadata.name ?? ''}" changed under ${MaxSubscriberWrites} writes in a row`,
    { verb: 'patch', ...refOf(channel) },
  );
}
