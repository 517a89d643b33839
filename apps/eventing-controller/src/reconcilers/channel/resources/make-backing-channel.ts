import type { KubeObject, ObjectRef } from '@knative-ts/kube';
import { ownerReference } from '@knative-ts/reconciler';
import {
  SubscribableDuckVersionAnnotation,
  type Channel,
  type ChannelTemplateSpec,
} from '@knative-ts/types';

/** The backing channel's reference: the template's kind, the Channel's name and namespace. */
export function backingChannelRef(channel: Channel, template: ChannelTemplateSpec): ObjectRef {
  return {
    apiVersion: template.apiVersion,
    kind: template.kind,
    namespace: channel.metadata.namespace ?? '',
    name: channel.metadata.name ?? '',
  };
}

/**
 * The channel of the template's kind that backs `channel` (Knative's NewPhysicalChannel):
 * same name, the template's spec plus the Channel's channelable fields, controlled by the
 * Channel so deleting it garbage-collects the backing channel. Any kind following the
 * channel duck type works, since nothing here depends on the kind.
 */
export function makeBackingChannel(channel: Channel, template: ChannelTemplateSpec): KubeObject {
  const spec: Record<string, unknown> = structuredClone(template.spec ?? {});
  if (channel.spec.delivery) spec['delivery'] = structuredClone(channel.spec.delivery);
  if (channel.spec.subscribers) spec['subscribers'] = structuredClone(channel.spec.subscribers);
  const ref = backingChannelRef(channel, template);
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: {
      name: ref.name,
      namespace: ref.namespace,
      // What the channel kinds' defaulting webhooks add in Knative; we have no webhook.
      annotations: { [SubscribableDuckVersionAnnotation]: 'v1' },
      ownerReferences: [ownerReference(channel)],
    },
    spec,
  };
}
