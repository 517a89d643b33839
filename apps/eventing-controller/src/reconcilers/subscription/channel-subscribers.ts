import { jsonEqual, type JsonPatchOperation } from '@knative-ts/kube';
import type { SubscriberSpec } from '@knative-ts/types';
import type { Channelable } from './channel-lookup.js';
import { withoutSubscriber, withSubscriber } from './resources/make-subscriber-spec.js';

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
 * The list after `changes`, each applied to the list the ones before it left, and which of
 * them changed it; `subscribers` is undefined when none did.
 */
export function appliedChanges(
  channel: Channelable,
  changes: readonly SubscriberChange[],
): { subscribers: SubscriberSpec[] | undefined; changed: boolean[] } {
  let current = channel;
  let subscribers: SubscriberSpec[] | undefined;
  const changed = changes.map((change) => {
    const next = changedSubscribers(current, change);
    if (!next) return false;
    subscribers = next;
    current = { ...current, spec: { ...current.spec, subscribers: next } };
    return true;
  });
  return { subscribers, changed };
}
