/**
 * CloudEvents attribute rules (spec.md "Context Attributes" and "Type System"), applied
 * to every event we read: names are lower-case ASCII letters and digits (a MUST; the 20
 * character limit is only a SHOULD NOT, so longer names pass), the four required
 * attributes are present and non-empty, specversion is 1.0 or 0.3, and the typed
 * attributes of that version parse as their types: 1.0 `time`, `dataschema`, `source`,
 * `datacontenttype`; 0.3 (as sdk-go's EventContextV03 validates it) `time`, `schemaurl`,
 * `source`, `datacontenttype`, and `datacontentencoding`, which may only be base64.
 */
import { BindingError, BindingReason } from '../errors.js';
import { REQUIRED_ATTRIBUTES, SPEC_VERSION, SPEC_VERSIONS } from '../event.js';

const NAME = /^[a-z0-9]+$/;
// Control characters are not allowed in CloudEvents String values (Type System).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Characters never allowed in a URI (RFC 3986 §2), plus whitespace.
const NOT_IN_URI = /[\s"<>\\^`{|}]/;
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/;
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}\\s*(;.*)?$`);

/** Attribute names the JSON format reserves for data; never valid as attributes. */
const RESERVED = new Set(['data']);

/** Throw BindingError (400) unless `name` is a valid attribute name. */
export function checkAttributeName(name: string): void {
  if (!NAME.test(name)) {
    throw fail(
      BindingReason.InvalidAttributeName,
      `attribute name "${name}" must be lower-case a-z and 0-9 only`,
      name,
    );
  }
  if (RESERVED.has(name)) {
    throw fail(BindingReason.ReservedAttribute, `"${name}" is reserved for event data`, name);
  }
}

/**
 * Context attributes of each version whose type is not String-compatible Any: in
 * structured mode they must be JSON strings (the JSON format maps String, URI,
 * URI-reference and Timestamp to JSON strings), while extensions may also be JSON
 * booleans and integers.
 */
export const CONTEXT_ATTRIBUTES: Readonly<Record<string, ReadonlySet<string>>> = {
  '1.0': new Set([
    'specversion',
    'id',
    'source',
    'type',
    'datacontenttype',
    'dataschema',
    'subject',
    'time',
  ]),
  '0.3': new Set([
    'specversion',
    'id',
    'source',
    'type',
    'datacontenttype',
    'datacontentencoding',
    'schemaurl',
    'subject',
    'time',
  ]),
};

/** Throw BindingError (400) unless the attributes form a valid CloudEvents 1.0 or 0.3 event. */
export function validateAttributes(attrs: Readonly<Record<string, string>>): void {
  for (const name of Object.keys(attrs)) {
    const value = attrs[name] as string;
    checkAttributeName(name);
    if (CONTROL.test(value)) {
      throw fail(BindingReason.InvalidAttributeValue, `${name} contains control characters`, name);
    }
  }
  for (const name of REQUIRED_ATTRIBUTES) {
    const value = attrs[name];
    if (value === undefined) {
      throw fail(BindingReason.MissingAttribute, `required attribute ${name} is missing`, name);
    }
    if (value === '') throw fail(BindingReason.EmptyAttribute, `${name} must not be empty`, name);
  }
  const version = attrs['specversion'] ?? '';
  if (!isSupportedVersion(version)) {
    throw fail(
      BindingReason.UnsupportedSpecVersion,
      `specversion "${version}" is not supported (want ${SPEC_VERSION} or 0.3)`,
      'specversion',
    );
  }
  checkOptional(attrs, version);
}

/** Whether `version` is a specversion we read and forward (1.0, 0.3). */
export function isSupportedVersion(version: string): version is (typeof SPEC_VERSIONS)[number] {
  return (SPEC_VERSIONS as readonly string[]).includes(version);
}

/** The optional attributes of the version: if present, non-empty and of their type. */
function checkOptional(
  attrs: Readonly<Record<string, string>>,
  version: (typeof SPEC_VERSIONS)[number],
): void {
  const source = attrs['source'] ?? '';
  if (!isUriReference(source)) badValue('source', 'is not a URI-reference');
  const schema = version === '1.0' ? 'dataschema' : 'schemaurl';
  for (const name of ['subject', 'datacontenttype', schema, 'time']) {
    if (attrs[name] === '')
      throw fail(BindingReason.EmptyAttribute, `${name} must not be empty`, name);
  }
  const { time, datacontenttype } = attrs;
  if (time !== undefined && !isRfc3339(time)) badValue('time', 'is not an RFC 3339 timestamp');
  if (datacontenttype !== undefined && !MEDIA_TYPE.test(datacontenttype)) {
    badValue('datacontenttype', 'is not an RFC 2046 media type');
  }
  if (version === '1.0') {
    const { dataschema } = attrs;
    if (dataschema !== undefined && !(SCHEME.test(dataschema) && isUriReference(dataschema))) {
      badValue('dataschema', 'is not an absolute URI');
    }
    return;
  }
  const { schemaurl, datacontentencoding } = attrs;
  if (schemaurl !== undefined && !isUriReference(schemaurl)) {
    badValue('schemaurl', 'is not a URI-reference');
  }
  if (datacontentencoding !== undefined && datacontentencoding.toLowerCase() !== 'base64') {
    badValue('datacontentencoding', 'must be base64 (the only encoding CloudEvents 0.3 defines)');
  }
}

/** Whether `value` is an RFC 3339 date-time with in-range fields. */
export function isRfc3339(value: string): boolean {
  const m = RFC3339.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as number[];
  if (month === undefined || month < 1 || month > 12) return false;
  const daysInMonth = new Date(Date.UTC(year ?? 0, month, 0)).getUTCDate();
  if (day === undefined || day < 1 || day > daysInMonth) return false;
  // 60 seconds is a leap second, which RFC 3339 allows.
  if ((hour ?? 99) > 23 || (minute ?? 99) > 59 || (second ?? 99) > 60) return false;
  const offH = m[9] === undefined ? 0 : Number(m[9]);
  const offM = m[10] === undefined ? 0 : Number(m[10]);
  return offH <= 23 && offM <= 59;
}

function isUriReference(value: string): boolean {
  return !NOT_IN_URI.test(value) && !BAD_ESCAPE.test(value);
}

function badValue(name: string, why: string): never {
  throw fail(BindingReason.InvalidAttributeValue, `${name} ${why}`, name);
}

function fail(reason: BindingReason, message: string, attribute: string): BindingError {
  return new BindingError(reason, message, { attribute });
}
