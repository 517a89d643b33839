import type { KubeObject, ObjectRef } from '@knative-ts/kube';
import { ownerReference } from '@knative-ts/reconciler';
import { SubscribableDuckVersionAnnotation, type ChannelTemplateSpec } from '@knative-ts/types';

/** The reference of a flow's channel `name`: the template's kind, the flow's namespace. */
export function flowChannelRef(
  owner: KubeObject,
  template: ChannelTemplateSpec,
  name: string,
): ObjectRef {
  return {
    apiVersion: template.apiVersion,
    kind: template.kind,
    namespace: owner.metadata.namespace ?? '',
    name,
  };
}

/**
 * A channel of the template's kind named `name`, controlled by the flow so deleting the
 * flow garbage-collects it (Knative's duck.NewPhysicalChannel with the template's spec).
 */
export function makeFlowChannel(
  owner: KubeObject,
  template: ChannelTemplateSpec,
  name: string,
): KubeObject {
  const ref = flowChannelRef(owner, template, name);
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: {
      name,
      namespace: ref.namespace,
      // What the channel kinds' defaulting webhooks add in Knative; we have no webhook.
      annotations: { [SubscribableDuckVersionAnnotation]: 'v1' },
      ownerReferences: [ownerReference(owner)],
    },
    spec: structuredClone(template.spec ?? {}),
  };
}
