/**
 * `status.subscribers` of a JetStream channel, as eventing-natss's dispatcher reports it: a
 * subscriber is ready once its durable consumer exists on the stream; until then (or when
 * it cannot be served) False with the reason. Written through the status subresource only
 * when it changed.
 */
import { isConflict, jsonEqual, type KubeClient } from '@knative-ts/kube';
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

/** Writes the statuses when they differ; 'retry' on a conflict (a newer channel is coming). */
export async function writeSubscriberStatus(
  client: KubeClient,
  channel: NatssChannel,
  desired: SubscriberStatus[],
): Promise<'unchanged' | 'written' | 'retry'> {
  if (jsonEqual(channel.status?.subscribers ?? [], desired)) return 'unchanged';
  try {
    await client.updateStatus({ ...channel, status: { ...channel.status, subscribers: desired } });
    return 'written';
  } catch (err) {
    if (isConflict(err)) return 'retry';
    throw err;
  }
}
