import { livingConditionSet } from './condition-set.js';
import type { KReference, KnativeObject, KnativeStatus } from './duck.js';

/** EventType spec, v1beta2 (the storage version): flat CloudEvent attributes. */
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

/** EventType conditions (eventtype_lifecycle.go). */
export const EventTypeConditions = livingConditionSet(['ReferenceExists']);
