import type { OwnerReference } from '@knative-ts/kube';
import {
  autoEventTypeName,
  EventingV1beta3,
  EventTypeAnnotations,
  type EventTypeV1beta3,
} from '@knative-ts/types';

/** What an auto-created EventType belongs to: the Broker, Channel or Trigger events went through. */
export interface EventTypeOwner {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

/** The (type, source) pair seen, and what else the first event of it carried. */
export interface SeenEventType {
  type: string;
  source: string;
  specversion: string;
  dataschema?: string;
}

/** Knative's description of an auto-created EventType. */
export const AutoCreatedDescription = 'Event Type auto-created by controller';

/** Name of the auto-created EventType for `seen` on `owner` (Knative's generateEventTypeName). */
export function autoEventTypeNameFor(owner: EventTypeOwner, seen: SeenEventType): string {
  return autoEventTypeName({
    ownerName: owner.name,
    namespace: owner.namespace,
    type: seen.type,
    source: seen.source,
  });
}

/**
 * An auto-created EventType as Knative's pkg/eventtype writes it (v1beta3; attributes type,
 * source, schemadata, specversion, id; owned by the Broker, Channel or Trigger, not as its
 * controller), plus the JSON Schema inferred so far in our schemaData annotation.
 */
export function makeAutoEventType(
  owner: EventTypeOwner,
  ownerUid: string,
  seen: SeenEventType,
  schemaText?: string,
): EventTypeV1beta3 {
  const ownerReference: OwnerReference = {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.name,
    uid: ownerUid,
  };
  const et: EventTypeV1beta3 = {
    apiVersion: EventingV1beta3,
    kind: 'EventType',
    metadata: {
      name: autoEventTypeNameFor(owner, seen),
      namespace: owner.namespace,
      ownerReferences: [ownerReference],
    },
    spec: {
      reference: {
        apiVersion: owner.apiVersion,
        kind: owner.kind,
        name: owner.name,
        namespace: owner.namespace,
      },
      description: AutoCreatedDescription,
      attributes: [
        { name: 'type', required: true, value: seen.type },
        { name: 'source', required: true, value: seen.source },
        {
          name: 'schemadata',
          required: true,
          ...(seen.dataschema ? { value: seen.dataschema } : {}),
        },
        { name: 'specversion', required: true, value: seen.specversion },
        { name: 'id', required: false },
      ],
    },
  };
  if (schemaText) et.metadata.annotations = { [EventTypeAnnotations.schemaData]: schemaText };
  return et;
}
