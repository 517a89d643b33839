import { ownerReference } from '@knative-ts/reconciler';
import {
  EventingV1beta3,
  SourceNameLabel,
  sourceEventTypeName,
  type EventAttributeDefinition,
  type EventTypeV1beta3,
  type KReference,
  type KnativeObject,
  type SourceSpec,
  type SourceStatus,
} from '@knative-ts/types';

/** Any source: the duck shape every source kind shares (duckv1.Source). */
export type SourceObject = KnativeObject<SourceSpec, SourceStatus>;

/** One type a source emits, with what its CRD's registry annotation says of it. */
export interface EmittedEventType {
  type: string;
  source?: string;
  schema?: string;
  description?: string;
}

/** The attributes every v1beta3 EventType must list (v1beta3 eventtype_validation.go). */
function attributesOf(t: EmittedEventType): EventAttributeDefinition[] {
  const attributes: EventAttributeDefinition[] = [
    { name: 'type', required: true, value: t.type },
    { name: 'source', required: true, ...(t.source ? { value: t.source } : {}) },
    { name: 'specversion', required: true, value: '1.0' },
    { name: 'id', required: true },
  ];
  if (t.schema) attributes.push({ name: 'schemadata', required: false, value: t.schema });
  return attributes;
}

/**
 * The EventType a source registers for one type it emits into `sink` (Knative's
 * duck/resources MakeEventType, written as v1beta3): named by the hash of type, source,
 * schema and the source's uid, labelled with the source's name, controlled by the source
 * so it is garbage-collected with it.
 */
export function makeSourceEventType(
  source: SourceObject,
  sink: KReference,
  t: EmittedEventType,
): EventTypeV1beta3 {
  const name = source.metadata.name ?? '';
  const et: EventTypeV1beta3 = {
    apiVersion: EventingV1beta3,
    kind: 'EventType',
    metadata: {
      name: sourceEventTypeName({
        type: t.type,
        ...(t.source ? { source: t.source } : {}),
        ...(t.schema ? { schema: t.schema } : {}),
        sourceUid: source.metadata.uid ?? '',
      }),
      namespace: source.metadata.namespace ?? '',
      labels: { [SourceNameLabel]: name },
      ownerReferences: [ownerReference(source)],
    },
    spec: { reference: structuredClone(sink), attributes: attributesOf(t) },
  };
  if (t.description) et.spec.description = t.description;
  return et;
}
