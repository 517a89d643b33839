import { parseApiVersion, type KubeObject, type ObjectRef } from '@knative-ts/kube';
import {
  isReadyAndObserved,
  type Channel,
  type ChannelableSpec,
  type ChannelableStatus,
  type Subscription,
} from '@knative-ts/types';
import type { ChangeFilter } from '@knative-ts/reconciler';
import type { References } from '../../references/references.js';
import { notFoundMessage } from '../../resolver/destination-resolver.js';
import { subscriberChangeFilter } from './channel-change-filter.js';

/** A channel of any kind, seen through the channelable duck type. */
export type Channelable = KubeObject & { spec?: ChannelableSpec; status?: ChannelableStatus };

/** Why the subscription's channel cannot be used; `notFound` lets finalization proceed. */
export class ChannelLookupError extends Error {
  override readonly name = 'ChannelLookupError';
  constructor(
    message: string,
    readonly notFound: boolean,
  ) {
    super(message);
  }
}

/**
 * The channel a Subscription writes to (Knative's getChannel): `spec.channel` itself, or,
 * for a generic Channel, the backing channel in its `status.channel`, once the Channel is
 * Ready. Both are tracked, so their appearance or change re-queues the Subscription.
 */
export async function channelOf(
  sub: Subscription,
  references: References,
  ownerKey: string,
): Promise<Channelable> {
  const namespace = sub.metadata.namespace ?? '';
  const { apiVersion, kind, name } = sub.spec.channel;
  const ref: ObjectRef = { apiVersion, kind, name, namespace };
  // The channel written to is re-read only for changes that concern this Subscription; a
  // generic Channel for any change (its readiness and observedGeneration pick the backing
  // channel).
  const writtenTo = subscriberChangeFilter(sub.metadata.uid ?? '');
  const generic =
    kind === 'Channel' && parseApiVersion(apiVersion).group === 'messaging.knative.dev';
  const obj = await fetch<Channelable>(ref, references, ownerKey, generic ? undefined : writtenTo);
  if (!generic) return obj;
  const channel = obj as Channel;
  const backing = channel.status?.channel;
  if (!isReadyAndObserved(channel.metadata.generation, channel.status) || !backing) {
    throw new ChannelLookupError('channel is not ready.', false);
  }
  return fetch(
    { apiVersion: backing.apiVersion, kind: backing.kind, name: backing.name, namespace },
    references,
    ownerKey,
    writtenTo,
  );
}

async function fetch<T extends KubeObject>(
  ref: ObjectRef,
  references: References,
  ownerKey: string,
  relevant: ChangeFilter | undefined,
): Promise<T> {
  references.track(ref, ownerKey, relevant);
  const obj = await references.get<T>(ref);
  if (!obj) throw new ChannelLookupError(notFoundMessage(ref), true);
  return obj;
}
