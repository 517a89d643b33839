import { EventingV1, EventingV1beta3 } from './api-groups.js';
import type { KReference } from './duck.js';
import {
  EventTypeAnnotations,
  type EventAttributeDefinition,
  type EventType,
  type EventTypeV1beta3,
} from './event-type.js';

const EventingGroup = 'eventing.knative.dev';

/** EventType versions we serve; v1beta1 has v1beta2's schema. */
export const EventTypeVersions = ['v1beta1', 'v1beta2', 'v1beta3'] as const;
export type EventTypeVersion = (typeof EventTypeVersions)[number];

/** An EventType of any served version, as read from the API server. */
export type AnyEventType = EventType | EventTypeV1beta3;

function versionOf(apiVersion: string): string {
  return apiVersion.slice(apiVersion.lastIndexOf('/') + 1);
}

function withoutKeys(
  annotations: Record<string, string> | undefined,
  keys: string[],
): Record<string, string> | undefined {
  if (!annotations) return undefined;
  const rest = { ...annotations };
  for (const k of keys) delete rest[k];
  return Object.keys(rest).length > 0 ? rest : undefined;
}

/**
 * v1beta2 → v1beta3 as Knative's ConvertTo (eventtype_conversion.go): `type`, `schema` (as
 * attribute `schemadata`) and `source` become attributes; a lone deprecated `broker` becomes
 * a Broker reference. Unlike Knative, `schemaData` (and a `broker` beside a reference) are
 * kept in annotations so a round trip loses nothing.
 */
export function eventTypeToV1beta3(et: EventType, apiVersion: string): EventTypeV1beta3 {
  const spec = et.spec ?? { type: '' };
  const attributes: EventAttributeDefinition[] = [];
  if (spec.type) attributes.push({ name: 'type', required: true, value: spec.type });
  if (spec.schema) attributes.push({ name: 'schemadata', required: false, value: spec.schema });
  if (spec.source) attributes.push({ name: 'source', required: true, value: spec.source });
  const annotations: Record<string, string> = { ...et.metadata.annotations };
  if (spec.schemaData) annotations[EventTypeAnnotations.schemaData] = spec.schemaData;
  else delete annotations[EventTypeAnnotations.schemaData];
  let reference: KReference | undefined = spec.reference && structuredClone(spec.reference);
  delete annotations[EventTypeAnnotations.broker];
  if (spec.broker) {
    if (!reference) reference = { apiVersion: EventingV1, kind: 'Broker', name: spec.broker };
    else annotations[EventTypeAnnotations.broker] = spec.broker;
  }
  const out: EventTypeV1beta3 = {
    ...structuredClone(et),
    apiVersion,
    metadata: { ...structuredClone(et.metadata) },
    spec: { attributes },
  };
  if (Object.keys(annotations).length > 0) out.metadata.annotations = annotations;
  else delete out.metadata.annotations;
  if (reference) out.spec.reference = reference;
  if (spec.description) out.spec.description = spec.description;
  return out;
}

/**
 * v1beta3 → v1beta2 as Knative's ConvertFrom: attributes `type`, `source` and `schemadata`
 * fill the flat fields (other attributes have no v1beta2 field and are dropped, as in
 * Knative); our annotations give `schemaData` and `broker` back.
 */
export function eventTypeToV1beta2(et: EventTypeV1beta3, apiVersion: string): EventType {
  const attrs = et.spec?.attributes ?? [];
  const value = (name: string) => attrs.find((a) => a.name === name)?.value;
  const type = value('type') ?? '';
  const spec: EventType['spec'] = { type };
  const source = value('source');
  if (source) spec.source = source;
  const schema = value('schemadata');
  if (schema) spec.schema = schema;
  const schemaData = et.metadata.annotations?.[EventTypeAnnotations.schemaData];
  if (schemaData) spec.schemaData = schemaData;
  const broker = et.metadata.annotations?.[EventTypeAnnotations.broker];
  if (broker) spec.broker = broker;
  if (et.spec?.reference) spec.reference = structuredClone(et.spec.reference);
  if (et.spec?.description) spec.description = et.spec.description;
  const out: EventType = {
    ...structuredClone(et),
    apiVersion,
    metadata: { ...structuredClone(et.metadata) },
    spec,
  };
  const annotations = withoutKeys(et.metadata.annotations, [
    EventTypeAnnotations.schemaData,
    EventTypeAnnotations.broker,
  ]);
  if (annotations) out.metadata.annotations = annotations;
  else delete out.metadata.annotations;
  return out;
}

/** Whether an object (of any version) carries v1beta2's flat fields rather than attributes. */
function isFlat(et: AnyEventType): et is EventType {
  const spec = (et.spec ?? {}) as unknown as Record<string, unknown>;
  if (Array.isArray(spec['attributes'])) return false;
  return versionOf(et.apiVersion) !== 'v1beta3' || typeof spec['type'] === 'string';
}

/**
 * Converts an EventType to `apiVersion` (any served version of eventing.knative.dev). Reads
 * either shape whatever its apiVersion says, so objects written while no conversion ran
 * (strategy None) still convert.
 */
export function convertEventType(et: AnyEventType, apiVersion: string): AnyEventType {
  const group = apiVersion.slice(0, apiVersion.lastIndexOf('/'));
  const target = versionOf(apiVersion);
  if (group !== EventingGroup) {
    throw new Error(`cannot convert an EventType to ${apiVersion}: not eventing.knative.dev`);
  }
  if (!(EventTypeVersions as readonly string[]).includes(target)) {
    throw new Error(`cannot convert an EventType to ${apiVersion}: unknown version`);
  }
  const v1beta3 = isFlat(et) ? eventTypeToV1beta3(et, apiVersion) : (et as EventTypeV1beta3);
  if (target === 'v1beta3') return { ...v1beta3, apiVersion };
  return eventTypeToV1beta2(v1beta3, apiVersion);
}

/** The v1beta3 view of an EventType of any version (what the reconciler and tools read). */
export function asEventTypeV1beta3(et: AnyEventType): EventTypeV1beta3 {
  return convertEventType(et, EventingV1beta3) as EventTypeV1beta3;
}
