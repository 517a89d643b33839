/**
 * Binary content mode: every attribute except datacontenttype in its own `ce-<name>`
 * header (percent-encoded per §3.1.3.2), datacontenttype in Content-Type, data as the body.
 */
import { BindingError, BindingReason } from '../errors.js';
import type { CloudEvent } from '../event.js';
import { validateAttributes } from './attributes.js';
import { decodeHeaderValue, encodeHeaderValue } from './header-value.js';

/** Incoming headers as Node and undici give them: lower-case names. */
export type HeaderMap = Readonly<Record<string, string | string[] | undefined>>;

const PREFIX = 'ce-';

/** Decode a binary-mode message; throws BindingError (400). */
export function decodeBinary(headers: HeaderMap, body: Uint8Array): CloudEvent {
  const attributes: Record<string, string> = {};
  for (const [rawName, rawValue] of Object.entries(headers)) {
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
    if (Array.isArray(rawValue) || attributes[name] !== undefined) {
      throw new BindingError(BindingReason.DuplicateAttribute, `header ${header} repeated`, {
        header,
      });
    }
    attributes[name] = decodeHeaderValue(header, rawValue);
  }
  const contentType = single(headers['content-type']);
  if (contentType !== undefined && contentType !== '') attributes['datacontenttype'] = contentType;
  validateAttributes(attributes);
  // Binary mode cannot tell "no data" from zero bytes of data; we read it as no data.
  if (body.length === 0) return { attributes };
  return { attributes, data: body };
}

/** Encode an event in binary mode: headers to set, and the body. */
export function encodeBinary(event: CloudEvent): {
  headers: Record<string, string>;
  body: Uint8Array;
} {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.attributes)) {
    if (name === 'datacontenttype') headers['content-type'] = value;
    else headers[PREFIX + name] = encodeHeaderValue(value);
  }
  return { headers, body: event.data ?? new Uint8Array() };
}

/** The value of a header that must appear once (first value if repeated). */
export function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
