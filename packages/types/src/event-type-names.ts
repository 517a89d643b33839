import { createHash } from 'node:crypto';

/** Annotation on a source's CRD listing the types it emits (Knative's EventTypesAnnotationKey). */
export const EventTypesAnnotation = 'registry.knative.dev/eventTypes';

/** Label on the EventTypes a source registers: the source's name (duck/resources/labels.go). */
export const SourceNameLabel = 'eventing.knative.dev/sourceName';

/** One entry of the `registry.knative.dev/eventTypes` annotation. */
export interface RegistryEventTypeEntry {
  type: string;
  schema?: string;
  description?: string;
}

/** Parses the annotation's JSON list; entries without a `type` are refused. */
export function parseRegistryEventTypes(
  value: string,
): { ok: true; value: RegistryEventTypeEntry[] } | { ok: false; error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    return { ok: false, error: `${EventTypesAnnotation} is not JSON: ${(err as Error).message}` };
  }
  if (!Array.isArray(parsed)) return { ok: false, error: `${EventTypesAnnotation} is not a list` };
  const entries: RegistryEventTypeEntry[] = [];
  for (const [i, item] of parsed.entries()) {
    const e = item as Record<string, unknown> | null;
    if (typeof e !== 'object' || e === null || typeof e['type'] !== 'string' || !e['type']) {
      return { ok: false, error: `${EventTypesAnnotation}[${i}] has no "type"` };
    }
    const entry: RegistryEventTypeEntry = { type: e['type'] };
    if (typeof e['schema'] === 'string' && e['schema']) entry.schema = e['schema'];
    if (typeof e['description'] === 'string' && e['description']) {
      entry.description = e['description'];
    }
    entries.push(entry);
  }
  return { ok: true, value: entries };
}

const md5Hex = (s: string): string => createHash('md5').update(s).digest('hex');

/**
 * Name of an EventType a source registers: md5 of type + source + schema + the source's
 * uid, as Knative's source duck reconciler names them (duck/resources/eventtype.go).
 */
export function sourceEventTypeName(a: {
  type: string;
  source?: string;
  schema?: string;
  sourceUid: string;
}): string {
  return md5Hex(a.type + (a.source ?? '') + (a.schema ?? '') + a.sourceUid);
}

const DNS1123SubdomainMaxLength = 253;
/** Room Knative leaves for a generated suffix when it cuts a long name. */
const GenerateNameMaxLength = 5;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Knative's utils.ToDNS1123Subdomain: cut, lower-case, drop invalid characters, trim. */
export function toDns1123Subdomain(name: string): string {
  if (name.length <= DNS1123SubdomainMaxLength && dns1123Subdomain.test(name)) return name;
  let n = name;
  if (n.length > DNS1123SubdomainMaxLength) {
    n = n.slice(0, DNS1123SubdomainMaxLength - GenerateNameMaxLength);
  }
  return n
    .toLowerCase()
    .replace(/[^-.a-z0-9]+/g, '')
    .replace(/^[-.]+|[-.]+$/g, '');
}

/**
 * Name of an auto-created EventType: `et-<owner>-<md5(type+source+namespace+owner)>`
 * (pkg/eventtype/eventtypes.go generateEventTypeName), so every replica, and Knative, picks
 * the same name for the same (type, source) on the same Broker, Channel or Trigger.
 */
export function autoEventTypeName(a: {
  ownerName: string;
  namespace: string;
  type: string;
  source: string;
}): string {
  const suffix = md5Hex(a.type + a.source + a.namespace + a.ownerName);
  return toDns1123Subdomain(`et-${a.ownerName}-${suffix}`);
}
