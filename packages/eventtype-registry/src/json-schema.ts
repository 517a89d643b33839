/**
 * JSON Schema (draft-07 keywords) inferred from event data, and how two inferences merge.
 * One schema object may hold several JSON types: `properties`/`required` only constrain
 * objects, `items` arrays and `format` strings, so a union stays one flat schema.
 */
export interface JsonSchema {
  $schema?: string;
  type?: JsonType | JsonType[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  format?: 'date-time' | 'uri';
}

export type JsonType = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object';

/** Bounds, so a pathological payload cannot make a schema bigger than an annotation allows. */
export interface InferenceLimits {
  /** Deeper values are left unconstrained (`{}`). */
  maxDepth: number;
  /** Properties past this many (in first-seen order) are left out (and so unconstrained). */
  maxProperties: number;
}

export const DefaultInferenceLimits: InferenceLimits = { maxDepth: 8, maxProperties: 64 };

export const Draft07 = 'http://json-schema.org/draft-07/schema#';

// RFC 3339 date-time, as JSON Schema's `date-time` format (and ajv-formats) reads it.
const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
// An absolute URI: a scheme, then no whitespace (RFC 3986 `URI`, not a relative reference).
const absoluteUri = /^[a-z][a-z0-9+.-]*:[^\s"<>\\^`{|}]+$/i;

function formatOf(s: string): JsonSchema['format'] {
  if (dateTime.test(s) && !Number.isNaN(Date.parse(s))) return 'date-time';
  if (absoluteUri.test(s) && URL.canParse(s)) return 'uri';
  return undefined;
}

/** The schema of one JSON value. */
export function inferSchema(
  value: unknown,
  limits: InferenceLimits = DefaultInferenceLimits,
  depth = 0,
): JsonSchema {
  if (depth >= limits.maxDepth) return {};
  if (value === null) return { type: 'null' };
  switch (typeof value) {
    case 'boolean':
      return { type: 'boolean' };
    case 'number':
      return { type: Number.isInteger(value) ? 'integer' : 'number' };
    case 'string': {
      const format = formatOf(value);
      return format ? { type: 'string', format } : { type: 'string' };
    }
    case 'object':
      break;
    default:
      return {};
  }
  if (Array.isArray(value)) {
    const items = value
      .map((v) => inferSchema(v, limits, depth + 1))
      .reduce<JsonSchema | undefined>((a, b) => (a ? mergeSchemas(a, b) : b), undefined);
    return items ? { type: 'array', items } : { type: 'array' };
  }
  const properties: Record<string, JsonSchema> = {};
  const keys = Object.keys(value as object).slice(0, limits.maxProperties);
  for (const k of keys) {
    properties[k] = inferSchema((value as Record<string, unknown>)[k], limits, depth + 1);
  }
  return { type: 'object', properties, required: [...keys].sort() };
}

function typesOf(s: JsonSchema): JsonType[] | undefined {
  if (s.type === undefined) return undefined;
  return Array.isArray(s.type) ? s.type : [s.type];
}

const typeOrder: JsonType[] = ['null', 'boolean', 'integer', 'number', 'string', 'array', 'object'];

/**
 * The least schema both `a` and `b` validate against: types united (integer widened to
 * number beside it), properties united, `required` only what both require, a format only
 * when both agree. `{}` (anything) absorbs everything.
 */
export function mergeSchemas(a: JsonSchema, b: JsonSchema): JsonSchema {
  const ta = typesOf(a);
  const tb = typesOf(b);
  if (!ta || !tb) return {};
  const types = new Set([...ta, ...tb]);
  if (types.has('number')) types.delete('integer');
  const type = typeOrder.filter((t) => types.has(t));
  const out: JsonSchema = { type: type.length === 1 ? (type[0] as JsonType) : type };
  if (types.has('object')) mergeObjects(a, b, ta, tb, out);
  if (types.has('array')) {
    // An array seen empty says nothing about its items; one with items keeps them.
    const items = a.items && b.items ? mergeSchemas(a.items, b.items) : (a.items ?? b.items);
    if (items) out.items = items;
  }
  if (types.has('string')) {
    const fa = ta.includes('string') ? a.format : b.format;
    const fb = tb.includes('string') ? b.format : a.format;
    if (fa && fa === fb) out.format = fa;
  }
  return out;
}

function mergeObjects(
  a: JsonSchema,
  b: JsonSchema,
  ta: JsonType[],
  tb: JsonType[],
  out: JsonSchema,
): void {
  const pa = ta.includes('object') ? (a.properties ?? {}) : undefined;
  const pb = tb.includes('object') ? (b.properties ?? {}) : undefined;
  const properties: Record<string, JsonSchema> = {};
  for (const k of new Set([...Object.keys(pa ?? {}), ...Object.keys(pb ?? {})])) {
    const x = pa?.[k];
    const y = pb?.[k];
    properties[k] = x && y ? mergeSchemas(x, y) : ((x ?? y) as JsonSchema);
  }
  out.properties = properties;
  // Only objects constrain `required`: a side that saw no object does not loosen it.
  const ra = pa ? (a.required ?? []) : undefined;
  const rb = pb ? (b.required ?? []) : undefined;
  const required = ra && rb ? ra.filter((k) => rb.includes(k)) : (ra ?? rb ?? []);
  out.required = [...required].sort();
}

/** Schema as stored: with `$schema`, keys in a stable order (equal schemas, equal text). */
export function serializeSchema(s: JsonSchema): string {
  return JSON.stringify({ $schema: Draft07, ...withoutMeta(s) });
}

/** Reads a stored schema back; undefined when it is not one of ours. */
export function parseSchema(text: string | undefined): JsonSchema | undefined {
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    return withoutMeta(parsed as JsonSchema);
  } catch {
    // Someone else's schemaData (not JSON): we neither merge into it nor replace it.
    return undefined;
  }
}

function withoutMeta(s: JsonSchema): JsonSchema {
  const rest = { ...s };
  delete rest.$schema;
  return rest;
}
