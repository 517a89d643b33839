/**
 * Structured content mode with the JSON event format (`application/cloudevents+json`).
 * Reading: attributes become canonical strings. The JSON format (1.0.2 §2.2) maps every
 * context attribute (String, URI, URI-reference, Timestamp) to a JSON string, so `id`,
 * `source`, `type`, `time`, ... of any other JSON type are refused; an extension may also
 * be a JSON boolean or an Integer (a number with only the `int` part, 32-bit), stringified
 * the way binary mode would carry it; objects, arrays and fractions are refused. `data`
 * keeps the sender's raw JSON text (or the decoded string for a non-JSON datacontenttype),
 * `data_base64` is decoded. Writing picks `data` for JSON and text data and `data_base64`
 * otherwise. CloudEvents 0.3 has no `data_base64`: its `datacontentencoding: base64` says
 * `data` is a base64 string, as sdk-go reads and writes it.
 */
import { BindingError, BindingReason } from '../errors.js';
import type { CloudEvent } from '../event.js';
import { CONTEXT_ATTRIBUTES, checkAttributeName, validateAttributes } from './attributes.js';
import { rawMember } from './json-span.js';
import { isJsonMediaType, isTextMediaType } from './media-type.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const utf8 = new TextEncoder();
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;

/** Media type of the JSON event format, as written on egress. */
export const STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';

/** Decode a structured-mode JSON body; throws BindingError (400). */
export function decodeStructured(body: Uint8Array): CloudEvent {
  const text = decodeUtf8(body);
  const doc = parseObject(text);
  const v03 = doc['specversion'] === '0.3';
  if (!v03 && 'data' in doc && 'data_base64' in doc) {
    throw new BindingError(BindingReason.ConflictingData, 'event has both data and data_base64');
  }
  const context = CONTEXT_ATTRIBUTES[v03 ? '0.3' : '1.0'] ?? new Set<string>();
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(doc)) {
    if (name === 'data' || (name === 'data_base64' && !v03)) continue;
    const str = attributeString(name, value, context.has(name), text);
    if (str !== undefined) attributes[name] = str;
  }
  validateAttributes(attributes);
  const data = v03
    ? decodeDataV03(text, doc, attributes)
    : decodeData(text, doc, attributes['datacontenttype']);
  return data === undefined ? { attributes } : { attributes, data };
}

/** 0.3 data: a base64 string under `datacontentencoding: base64` (exactly, as sdk-go reads it). */
function decodeDataV03(
  text: string,
  doc: Record<string, unknown>,
  attributes: Readonly<Record<string, string>>,
): Uint8Array | undefined {
  const encoding = attributes['datacontentencoding'];
  if (encoding === undefined) return decodeData(text, doc, attributes['datacontenttype']);
  if (encoding !== 'base64') {
    throw new BindingError(
      BindingReason.InvalidAttributeValue,
      `datacontentencoding "${encoding}" is not supported (want base64)`,
      { attribute: 'datacontentencoding' },
    );
  }
  if (!('data' in doc)) return undefined;
  return decodeBase64(doc['data'], 'data');
}

/** Encode an event in the JSON format. */
export function encodeStructured(event: CloudEvent): Uint8Array {
  const members: string[] = [];
  for (const [name, value] of Object.entries(event.attributes)) {
    members.push(`${JSON.stringify(name)}:${JSON.stringify(value)}`);
  }
  if (event.data !== undefined) members.push(encodeData(event));
  return utf8.encode(`{${members.join(',')}}`);
}

function decodeData(
  text: string,
  doc: Record<string, unknown>,
  contentType: string | undefined,
): Uint8Array | undefined {
  if ('data_base64' in doc) return decodeBase64(doc['data_base64'], 'data_base64');
  if (!('data' in doc)) return undefined;
  const value = doc['data'];
  // A string under a non-JSON media type is the data itself, not JSON text.
  if (typeof value === 'string' && contentType !== undefined && !isJsonMediaType(contentType)) {
    return utf8.encode(value);
  }
  return utf8.encode(rawMember(text, 'data') ?? JSON.stringify(value));
}

function decodeBase64(b64: unknown, member: string): Uint8Array {
  if (typeof b64 !== 'string' || !BASE64.test(b64)) {
    throw new BindingError(BindingReason.InvalidBase64, `${member} is not valid base64`);
  }
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

function encodeData(event: CloudEvent): string {
  const data = event.data ?? new Uint8Array();
  const contentType = event.attributes['datacontenttype'];
  if (event.attributes['specversion'] === '0.3') return encodeDataV03(event, data);
  const text = tryUtf8(data);
  if (text !== undefined) {
    // JSON data goes in verbatim, so the receiver gets the bytes we got.
    // Outer whitespace would be lost by the reader's member span, so such data goes as base64.
    const verbatim = text === text.trim() && isJson(text);
    if ((contentType === undefined || isJsonMediaType(contentType)) && verbatim) {
      return `"data":${text}`;
    }
    if (
      contentType !== undefined &&
      !isJsonMediaType(contentType) &&
      isTextMediaType(contentType)
    ) {
      return `"data":${JSON.stringify(text)}`;
    }
  }
  return `"data_base64":${JSON.stringify(Buffer.from(data).toString('base64'))}`;
}

/**
 * 0.3 data as sdk-go writes it: a base64 string under `datacontentencoding: base64`, JSON
 * inline, anything else as a JSON string. Bytes that are not UTF-8 and have no
 * datacontentencoding cannot be written losslessly in 0.3 except as base64, so that
 * attribute is added to them (the only case where an attribute is written that did not come).
 */
function encodeDataV03(event: CloudEvent, data: Uint8Array): string {
  const base64 = JSON.stringify(Buffer.from(data).toString('base64'));
  if (event.attributes['datacontentencoding']?.toLowerCase() === 'base64')
    return `"data":${base64}`;
  const text = tryUtf8(data);
  if (text === undefined) return `"datacontentencoding":"base64","data":${base64}`;
  const contentType = event.attributes['datacontenttype'];
  const verbatim = text === text.trim() && isJson(text);
  if ((contentType === undefined || isJsonMediaType(contentType)) && verbatim)
    return `"data":${text}`;
  return `"data":${JSON.stringify(text)}`;
}

/**
 * The canonical string of a JSON attribute value; undefined for null (treated as absent).
 * `text` is the whole document, to read a number's exact JSON form.
 */
function attributeString(
  name: string,
  value: unknown,
  contextAttribute: boolean,
  text: string,
): string | undefined {
  checkAttributeName(name);
  if (value === null) return undefined;
  if (typeof value === 'string') return value;
  if (contextAttribute) {
    throw wrongType(name, value, `${name} must be a JSON string (JSON format §2.2)`);
  }
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    // Integer: only the JSON `int` part, no fraction or exponent (`5.0`, `5e0` are refused).
    const raw = rawMember(text, name) ?? '';
    if (INTEGER.test(raw) && value >= INT32_MIN && value <= INT32_MAX) return String(value);
    throw wrongType(name, value, `extension ${name} must be a 32-bit integer, got ${raw}`);
  }
  throw wrongType(name, value, `extension ${name} must be a JSON string, boolean or integer`);
}

function wrongType(name: string, value: unknown, message: string): BindingError {
  const type = Array.isArray(value) ? 'array' : typeof value;
  return new BindingError(BindingReason.InvalidAttributeType, `${message} (got ${type})`, {
    attribute: name,
    type,
  });
}

function parseObject(text: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new BindingError(BindingReason.InvalidJson, `body is not JSON: ${String(err)}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new BindingError(BindingReason.InvalidJson, 'structured event must be a JSON object');
  }
  return doc as Record<string, unknown>;
}

function decodeUtf8(body: Uint8Array): string {
  const text = tryUtf8(body);
  if (text === undefined) throw new BindingError(BindingReason.InvalidJson, 'body is not UTF-8');
  return text;
}

/** The text of UTF-8 bytes, or undefined if they are not valid UTF-8. */
function tryUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    // Not UTF-8 is an answer here, not a failure: the caller picks base64 or rejects.
    return undefined;
  }
}

function isJson(text: string): boolean {
  if (text.trim() === '') return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    // Not JSON: the data goes out as a string or base64 instead.
    return false;
  }
}
