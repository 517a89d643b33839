import { ownerReference } from '@knative-ts/reconciler';
import {
  MessagingV1,
  parallelBranchName,
  parallelFilterSubscriptionName,
  parallelIngressChannelName,
  type ChannelTemplateSpec,
  type Parallel,
  type ParallelBranch,
  type Subscription,
  type SubscriptionSpec,
} from '@knative-ts/types';
import { channelDestination, channelReference, destinationOf } from '../../flows/destination.js';

function branchOf(p: Parallel, i: number): ParallelBranch {
  const branch = (p.spec.branches ?? [])[i];
  if (!branch) {
    throw new RangeError(
      `Parallel ${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''} has no branch ${i}`,
    );
  }
  return branch;
}

function subscription(p: Parallel, name: string, spec: SubscriptionSpec): Subscription {
  return {
    apiVersion: MessagingV1,
    kind: 'Subscription',
    metadata: {
      name,
      namespace: p.metadata.namespace ?? '',
      ownerReferences: [ownerReference(p)],
    },
    spec,
  };
}

/**
 * Branch `i`'s filter Subscription `<p>-kn-parallel-filter-<i>` on the ingress channel: the
 * filter is the subscriber and its reply (the event, when it passes) goes to the branch
 * channel. Without a filter every event passes: Knative leaves the subscriber empty and
 * lets the dispatcher forward to the reply; our dispatchers need a subscriber, so the
 * branch channel is the subscriber itself, which delivers the same events.
 */
export function makeFilterSubscription(
  p: Parallel,
  template: ChannelTemplateSpec,
  i: number,
): Subscription {
  const name = p.metadata.name ?? '';
  const branchChannel = channelDestination(
    template,
    parallelBranchName(name, i),
    p.metadata.namespace ?? '',
  );
  const filter = branchOf(p, i).filter;
  const spec: SubscriptionSpec = {
    channel: channelReference(template, parallelIngressChannelName(name)),
    subscriber: filter ? destinationOf(filter) : branchChannel,
  };
  if (filter) spec.reply = branchChannel;
  return subscription(p, parallelFilterSubscriptionName(name, i), spec);
}

/**
 * Branch `i`'s subscriber Subscription `<p>-kn-parallel-<i>` on the branch channel:
 * subscriber and delivery from the branch, reply to the branch's reply, else `spec.reply`.
 */
export function makeBranchSubscription(
  p: Parallel,
  template: ChannelTemplateSpec,
  i: number,
): Subscription {
  const name = p.metadata.name ?? '';
  const branch = branchOf(p, i);
  const spec: SubscriptionSpec = {
    channel: channelReference(template, parallelBranchName(name, i)),
    subscriber: destinationOf(branch.subscriber ?? {}),
  };
  if (branch.delivery) spec.delivery = structuredClone(branch.delivery);
  const reply = branch.reply ?? p.spec.reply;
  if (reply) spec.reply = destinationOf(reply);
  return subscription(p, parallelBranchName(name, i), spec);
}
