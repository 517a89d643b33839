import { livingConditionSet } from './condition-set.js';
import type { KReference, KnativeObject, KnativeStatus } from './duck.js';

/** EventType spec, v1beta2: flat CloudEvent attributes. */
export interface EventTypeSpec {
  /** CloudEvent `type`; required. */
  type: string;
  source?: string;
  schema?: string;
  schemaData?: string;
  /** Deprecated in favour of `reference`. */
  broker?: string;
  /** The Broker or Channel the events flow through. */
  reference?: KReference;
  description?: string;
}

/** eventing.knative.dev/v1beta2 EventType (the event registry). */
export type EventType = KnativeObject<EventTypeSpec, KnativeStatus>;

/** One CloudEvents attribute of a v1beta3 EventType (EventAttributeDefinition). */
export interface EventAttributeDefinition {
  name: string;
  /** Whether events of this type must carry the attribute. */
  required: boolean;
  /** A value, or a template such as `/apis/v1/namespaces/{namespace}/pingsources/{name}`. */
  value?: string;
}

/** EventType spec, v1beta3 (our storage version): an attribute list. */
export interface EventTypeSpecV1beta3 {
  reference?: KReference;
  description?: string;
  attributes: EventAttributeDefinition[];
}

/** eventing.knative.dev/v1beta3 EventType. */
export type EventTypeV1beta3 = KnativeObject<EventTypeSpecV1beta3, KnativeStatus>;

/** EventType conditions (eventtype_lifecycle.go). */
export const EventTypeConditions = livingConditionSet(['ReferenceExists']);

/** Reasons of ReferenceExists (v1beta3 eventtype_lifecycle.go). */
export const EventTypeReasons = {
  /** ReferenceExists=True without a reference. */
  ReferenceNotSet: 'ReferenceNotSet',
  /** ReferenceExists=False: the referenced object is missing. */
  ResourceDoesNotExist: 'ResourceDoesNotExist',
  /** ReferenceExists=Unknown: the reference could not be read. */
  ReferenceError: 'ReferenceError',
} as const;

/**
 * Where a v1beta3 EventType keeps what only v1beta2 has a field for, so conversion is
 * lossless both ways (Knative drops both). Ours: `knative-ts.dev/`.
 */
export const EventTypeAnnotations = {
  /** v1beta2 `spec.schemaData`: for auto-created types, the JSON Schema we inferred. */
  schemaData: 'knative-ts.dev/schemaData',
  /** v1beta2 `spec.broker` (deprecated) when it named something else than `reference`. */
  broker: 'knative-ts.dev/broker',
} as const;

/** The value of attribute `name`, or undefined. */
export function eventTypeAttribute(et: EventTypeV1beta3, name: string): string | undefined {
  return et.spec.attributes?.find((a) => a.name === name)?.value;
}
