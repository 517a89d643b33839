import type { ObjectRef } from '@knative-ts/kube';
import { ownerReference } from '@knative-ts/reconciler';
import {
  BrokerLabel,
  EventingV1,
  TriggerLabel,
  triggerSubscriptionName,
  type Broker,
  type DeliverySpec,
  type Subscription,
  type Trigger,
} from '@knative-ts/types';

export interface SubscriptionArgs {
  trigger: Trigger;
  broker: Broker;
  /** The broker's trigger channel, from its status annotations. */
  channel: ObjectRef;
  /** broker-filter's URL for this trigger. */
  subscriberUri: string;
}

/** Whether a delivery sets anything: an empty `delivery: {}` does not override the broker's. */
function hasAnyField(d: DeliverySpec | undefined): d is DeliverySpec {
  return !!d && Object.values(d).some((v) => v !== undefined && v !== null);
}

/**
 * The delivery a trigger's events get: the trigger's own if it sets any field, else the
 * broker's, each as a whole object, never merged field by field (trigger.go).
 */
export function triggerDelivery(trigger: Trigger, broker: Broker): DeliverySpec | undefined {
  const own = trigger.spec.delivery;
  if (hasAnyField(own)) return structuredClone(own);
  return broker.spec.delivery ? structuredClone(broker.spec.delivery) : undefined;
}

/**
 * The Subscription a Trigger holds on its broker's trigger channel (NewSubscription):
 * events go to broker-filter's path for the trigger, replies back into the Broker,
 * controlled by the Trigger so deleting it garbage-collects the Subscription.
 */
export function makeSubscription(args: SubscriptionArgs): Subscription {
  const { trigger, broker, channel, subscriberUri } = args;
  const { namespace = '', name = '', uid = '' } = trigger.metadata;
  const spec: Subscription['spec'] = {
    channel: { apiVersion: channel.apiVersion, kind: channel.kind, name: channel.name },
    subscriber: { uri: subscriberUri },
    // Without OIDC replies need no trigger identity, so they go straight to the Broker.
    reply: {
      ref: {
        apiVersion: EventingV1,
        kind: 'Broker',
        name: broker.metadata.name ?? '',
        namespace: broker.metadata.namespace ?? '',
      },
    },
  };
  const delivery = triggerDelivery(trigger, broker);
  if (delivery) spec.delivery = delivery;
  return {
    apiVersion: 'messaging.knative.dev/v1',
    kind: 'Subscription',
    metadata: {
      namespace,
      name: triggerSubscriptionName(trigger.spec.broker, name, uid),
      labels: { [BrokerLabel]: trigger.spec.broker, [TriggerLabel]: name },
      ownerReferences: [ownerReference(trigger)],
    },
    spec,
  };
}
