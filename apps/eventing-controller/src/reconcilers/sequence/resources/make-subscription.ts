import { ownerReference } from '@knative-ts/reconciler';
import {
  MessagingV1,
  sequenceChannelName,
  type ChannelTemplateSpec,
  type Sequence,
  type Subscription,
  type SubscriptionSpec,
} from '@knative-ts/types';
import { channelDestination, channelReference, destinationOf } from '../../flows/destination.js';

/**
 * The Subscription of step `step` (Knative's sequence resources.NewSubscription): on
 * channel `step`, subscriber and delivery from the step, reply to the next channel, or for
 * the last step to `spec.reply` (none when unset). Named like the channel it reads from.
 */
export function makeSequenceSubscription(
  seq: Sequence,
  template: ChannelTemplateSpec,
  step: number,
): Subscription {
  const name = seq.metadata.name ?? '';
  const namespace = seq.metadata.namespace ?? '';
  const steps = seq.spec.steps ?? [];
  const current = steps[step];
  if (!current) throw new RangeError(`Sequence ${namespace}/${name} has no step ${step}`);
  const spec: SubscriptionSpec = {
    channel: channelReference(template, sequenceChannelName(name, step)),
    subscriber: destinationOf(current),
  };
  if (current.delivery) spec.delivery = structuredClone(current.delivery);
  if (step < steps.length - 1) {
    spec.reply = channelDestination(template, sequenceChannelName(name, step + 1), namespace);
  } else if (seq.spec.reply) {
    spec.reply = destinationOf(seq.spec.reply);
  }
  return {
    apiVersion: MessagingV1,
    kind: 'Subscription',
    metadata: {
      name: sequenceChannelName(name, step),
      namespace,
      ownerReferences: [ownerReference(seq)],
    },
    spec,
  };
}
