/**
 * `status.subscribers` of a JetStream channel, as eventing-natss's dispatcher reports it: a
 * subscriber is ready once its durable consumer exists on the stream; until then (or when
 * it cannot be served) False with the reason. Written only when it changed, as a merge
 * patch of `status.subscribers` alone (no resourceVersion: the controller's status writes
 * do not conflict with it, and a large channel is not sent back whole).
 */
import { jsonEqual, refOf, type KubeClient } from '@knative-ts/kube';
import type { NatssChannel, SubscriberStatus } from '@knative-ts/types';

/** Per subscriber uid: true once its consumer exists, else why not. */
export type ConsumerStates = Map<string, true | string>;

/** The statuses for `channel` given what the dispatcher knows of each consumer. */
export function subscriberStatuses(
  channel: NatssChannel,
  states: ConsumerStates,
): SubscriberStatus[] {
  return (channel.spec?.subscribers ?? []).map((sub) => {
    const uid = sub.uid ?? '';
    const status: SubscriberStatus = { uid };
    if (sub.generation !== undefined) status.observedGeneration = sub.generation;
    const state = states.get(uid) ?? 'Consumer does not exist';
    status.ready = state === true ? 'True' : 'False';
    if (state !== true) status.message = state;
    return status;
  });
}

/** Writes the statuses when they differ from the channel's. */
export async function writeSubscriberStatus(
  client: KubeClient,
  channel: NatssChannel,
  desired: SubscriberStatus[],
): Promise<'unchanged' | 'written'> {
  if (jsonEqual(channel.status?.subscribers ?? [], desired)) return 'unchanged';
  await client.patchStatus(refOf(channel), { status: { subscribers: desired } });
  return 'written';
}
