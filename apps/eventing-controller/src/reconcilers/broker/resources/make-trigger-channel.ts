import type { KubeObject, ObjectRef } from '@knative-ts/kube';
import { ownerReference } from '@knative-ts/reconciler';
import {
  brokerTriggerChannelName,
  BrokerLabel,
  SubscribableDuckVersionAnnotation,
  type Broker,
  type ChannelTemplateSpec,
} from '@knative-ts/types';

/** Label Knative puts on every object a broker creates for all of its events. */
export const BrokerEverythingLabel = 'eventing.knative.dev/brokerEverything';

/** Labels of a broker's trigger channel (Knative's TriggerChannelLabels). */
export function triggerChannelLabels(brokerName: string): Record<string, string> {
  return { [BrokerLabel]: brokerName, [BrokerEverythingLabel]: 'true' };
}

/** Where the broker's trigger channel lives: the template's kind, `<broker>-kne-trigger`. */
export function triggerChannelRef(broker: Broker, template: ChannelTemplateSpec): ObjectRef {
  return {
    apiVersion: template.apiVersion,
    kind: template.kind,
    namespace: broker.metadata.namespace ?? '',
    name: brokerTriggerChannelName(broker.metadata.name ?? ''),
  };
}

/**
 * The channel every event of `broker` goes through and every Trigger subscribes to
 * (broker.go, NewPhysicalChannel): the template's spec plus the broker's delivery,
 * controlled by the Broker so deleting it garbage-collects the channel. Nothing depends
 * on the kind, so swapping InMemoryChannel for KafkaChannel is a config change only.
 */
export function makeTriggerChannel(broker: Broker, template: ChannelTemplateSpec): KubeObject {
  const ref = triggerChannelRef(broker, template);
  const spec: Record<string, unknown> = structuredClone(template.spec ?? {});
  if (broker.spec.delivery) spec['delivery'] = structuredClone(broker.spec.delivery);
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: {
      name: ref.name,
      namespace: ref.namespace,
      labels: triggerChannelLabels(broker.metadata.name ?? ''),
      // What the channel kinds' defaulting webhooks add in Knative; we have no webhook.
      annotations: { [SubscribableDuckVersionAnnotation]: 'v1' },
      ownerReferences: [ownerReference(broker)],
    },
    spec,
  };
}
