import { jsonEqual, type KubeObject } from '@knative-ts/kube';
import type { ChangeFilter } from '@knative-ts/reconciler';
import type { Channelable } from './channel-lookup.js';

/** What one update of a channel changed, as its Subscriptions see it. */
interface ChannelChange {
  /** Anything but the two subscriber lists and the bookkeeping fields. */
  others: boolean;
  /** The uids whose entry in spec.subscribers or status.subscribers changed. */
  entries: Set<string>;
}

/**
 * The update of a channel a Subscription writes to concerns it when its own entries
 * changed (in spec.subscribers or status.subscribers), or anything else did, but not when
 * only other Subscriptions' entries and the fields every write moves did (resourceVersion,
 * generation, managedFields, status.observedGeneration: the Subscription reads none).
 *
 * Without this, every write of a channel with a thousand subscribers re-queued all
 * thousand Subscriptions, and the few whose entry was still to be written waited behind
 * hundreds of reconciles that found nothing to do.
 */
export function subscriberChangeFilter(uid: string): ChangeFilter {
  return (old, obj) => {
    const change = changeOf(old as Channelable, obj as Channelable);
    return change.others || change.entries.has(uid);
  };
}

// The informer hands every Subscription of the channel the same pair of objects, one
// update at a time: the last summary serves all their filters. (A cache keyed by the new
// object alone would keep each old version alive through the next: a chain of every
// version of a channel of a thousand subscribers.)
let last: { old: KubeObject; obj: KubeObject; change: ChannelChange } | undefined;

function changeOf(old: Channelable, obj: Channelable): ChannelChange {
  if (last?.old === old && last.obj === obj) return last.change;
  const change: ChannelChange = {
    others: !jsonEqual(withoutLists(old), withoutLists(obj)),
    entries: new Set([
      ...changedEntries(old.spec?.subscribers, obj.spec?.subscribers),
      ...changedEntries(old.status?.subscribers, obj.status?.subscribers),
    ]),
  };
  last = { old, obj, change };
  return change;
}

function withoutLists(channel: Channelable): unknown {
  // managedFields is not in the typed metadata but comes with every object read.
  const meta: Channelable['metadata'] & { managedFields?: unknown } = channel.metadata;
  const { resourceVersion: _rv, generation: _g, managedFields: _mf, ...metadata } = meta;
  const { subscribers: _specList, ...spec } = channel.spec ?? {};
  const { subscribers: _statusList, observedGeneration: _og, ...status } = channel.status ?? {};
  return { ...channel, metadata, spec, status };
}

/** The uids whose entry differs between the two lists (added, removed or changed). */
function changedEntries(
  before: readonly { uid?: string }[] = [],
  after: readonly { uid?: string }[] = [],
): string[] {
  const was = new Map(before.map((e) => [e.uid ?? '', e]));
  const changed: string[] = [];
  for (const entry of after) {
    const uid = entry.uid ?? '';
    const previous = was.get(uid);
    was.delete(uid);
    if (!previous || !jsonEqual(previous, entry)) changed.push(uid);
  }
  return [...changed, ...was.keys()];
}
