import {
  asEventTypeV1beta3,
  EventingV1,
  type AnyEventType,
  type Destination,
  type Trigger,
} from '@knative-ts/types';

/** Attributes that identify an event rather than its type: never part of the filter. */
const notTypeAttributes = new Set(['id', 'time', 'specversion', 'schemadata']);
/** Knative's `{variable}` placeholders in an attribute value (v1beta3 EventAttributeDefinition). */
const placeholders = /\{[^}]*\}/g;
const hasPlaceholder = (s: string): boolean => /\{[^}]*\}/.test(s);

/** One attribute a Trigger must match, exactly or (for a template) as a pattern. */
export interface AttributeMatch {
  name: string;
  value: string;
  templated: boolean;
}

/** The attributes of an EventType that every one of its events carries with a fixed form. */
export function eventTypeMatches(et: AnyEventType): AttributeMatch[] {
  return (asEventTypeV1beta3(et).spec.attributes ?? [])
    .filter((a) => a.value && !notTypeAttributes.has(a.name) && /^[a-z0-9]+$/.test(a.name))
    .map((a) => ({ name: a.name, value: a.value ?? '', templated: hasPlaceholder(a.value ?? '') }));
}

const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;
/** A template as a CESQL LIKE pattern: `%` and `_` escaped, each `{…}` any text. */
function likePattern(template: string): string {
  return template
    .split(placeholders)
    .map((part) => part.replace(/[\\%_]/g, (c) => `\\${c}`))
    .join('%');
}

export interface TriggerForOptions {
  /** The Broker the events arrive at. */
  broker: string;
  subscriber: Destination;
  name?: string;
}

/** A DNS-1123 label from an event type: `trigger-dev-knative-sources-ping`. */
export function defaultTriggerName(type: string): string {
  const slug = type.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return `trigger-${slug}`.slice(0, 63).replace(/-+$/, '');
}

/**
 * The Trigger whose filter selects exactly the events of `et`: `filter.attributes` with
 * every attribute the EventType fixes (type, source, extensions); when a value is a
 * template, the Subscriptions API `filters` with `exact` for the fixed ones and a CESQL
 * LIKE for each template.
 */
export function triggerFor(et: AnyEventType, o: TriggerForOptions): Trigger {
  const matches = eventTypeMatches(et);
  const type = matches.find((m) => m.name === 'type')?.value ?? '';
  const trigger: Trigger = {
    apiVersion: EventingV1,
    kind: 'Trigger',
    metadata: { name: o.name ?? defaultTriggerName(type), namespace: et.metadata.namespace ?? '' },
    spec: { broker: o.broker, subscriber: o.subscriber },
  };
  const fixed = Object.fromEntries(
    matches.filter((m) => !m.templated).map((m) => [m.name, m.value]),
  );
  const templated = matches.filter((m) => m.templated);
  if (templated.length === 0) trigger.spec.filter = { attributes: fixed };
  else {
    trigger.spec.filters = [
      ...(Object.keys(fixed).length > 0 ? [{ exact: fixed }] : []),
      ...templated.map((m) => ({ cesql: `${m.name} LIKE ${sqlString(likePattern(m.value))}` })),
    ];
  }
  return trigger;
}
