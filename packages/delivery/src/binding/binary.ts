/**
 * Binary content mode: every attribute except datacontenttype in its own `ce-<name>`
 * header (percent-encoded per §3.1.3.2), datacontenttype in Content-Type, data as the body.
 * A header that arrived in a form encoding would not reproduce (see header-value.ts) is
 * remembered on the event and sent again as it came, while its attribute is unchanged.
 */
import { BindingError, BindingReason } from '../errors.js';
import type { CloudEvent, ReceivedHeader } from '../event.js';
import { validateAttributes } from './attributes.js';
import { decodeHeader, encodeHeaderValue } from './header-value.js';

/**
 * Incoming headers with lower-case names. A repeated header must come as an array (as
 * Node's `req.headersDistinct` and undici give them): Node's `req.headers` joins repeats
 * with ", ", which would hide a duplicate attribute.
 */
export type HeaderMap = Readonly<Record<string, string | string[] | undefined>>;

const PREFIX = 'ce-';

/** Decode a binary-mode message; throws BindingError (400). */
export function decodeBinary(headers: HeaderMap, body: Uint8Array): CloudEvent {
  const attributes: Record<string, string> = {};
  let headerValues: Record<string, ReceivedHeader> | undefined;
  // Object.keys, not Object.entries: no pair array per header for every event.
  for (const rawName of Object.keys(headers)) {
    const rawValue = headers[rawName];
    const header = rawName.toLowerCase();
    if (!header.startsWith(PREFIX) || rawValue === undefined) continue;
    const name = header.slice(PREFIX.length);
    if (name === 'datacontenttype') {
      // §3.1.1: Content-Type carries it; a ce-datacontenttype header MUST NOT be present.
      throw new BindingError(
        BindingReason.DataContentTypeHeader,
        'ce-datacontenttype must not be sent in binary mode; use Content-Type',
      );
    }
    const raw = onlyValue(header, rawValue, BindingReason.DuplicateAttribute);
    if (raw === undefined) continue;
    if (attributes[name] !== undefined) throw repeated(header, BindingReason.DuplicateAttribute);
    const { value, keepRaw } = decodeHeader(header, raw);
    attributes[name] = value;
    if (keepRaw) (headerValues ??= {})[name] = { raw, value };
  }
  const contentType = onlyValue(
    'content-type',
    headers['content-type'],
    BindingReason.DuplicateHeader,
  );
  if (contentType !== undefined && contentType !== '') attributes['datacontenttype'] = contentType;
  validateAttributes(attributes);
  // Binary mode cannot tell "no data" from zero bytes of data; we read it as no data.
  const data = body.length === 0 ? undefined : body;
  if (headerValues === undefined) return data === undefined ? { attributes } : { attributes, data };
  return data === undefined ? { attributes, headerValues } : { attributes, headerValues, data };
}

/** Encode an event in binary mode: headers to set, and the body. */
export function encodeBinary(event: CloudEvent): {
  headers: Record<string, string>;
  body: Uint8Array;
} {
  const headers: Record<string, string> = {};
  const received = event.headerValues;
  const { attributes } = event;
  for (const name of Object.keys(attributes)) {
    const value = attributes[name] as string;
    if (name === 'datacontenttype') {
      headers['content-type'] = value;
      continue;
    }
    const kept = received?.[name];
    // Raw header strings hold one latin1 character per byte; undici writes them back as those bytes.
    headers[PREFIX + name] =
      kept !== undefined && kept.value === value ? kept.raw : encodeHeaderValue(value);
  }
  return { headers, body: event.data ?? new Uint8Array() };
}

/** The value of a header that must appear once (first value if repeated). */
export function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The value of a header that must appear once; throws BindingError (400) when repeated. */
export function onlyValue(
  header: string,
  value: string | string[] | undefined,
  reason: BindingReason,
): string | undefined {
  if (!Array.isArray(value)) return value;
  if (value.length > 1) throw repeated(header, reason);
  return value[0];
}

function repeated(header: string, reason: BindingReason): BindingError {
  return new BindingError(reason, `header ${header} repeated`, { header });
}
