/**
 * Structured content mode with the JSON event format (`application/cloudevents+json`).
 * Reading: attributes become canonical strings (JSON numbers and booleans of extensions
 * are stringified the way binary mode would carry them), `data` keeps the sender's raw
 * JSON text (or the decoded string for a non-JSON datacontenttype), `data_base64` is
 * decoded. Writing picks `data` for JSON and text data and `data_base64` otherwise.
 */
import { BindingError, BindingReason } from '../errors.js';
import type { CloudEvent } from '../event.js';
import { checkAttributeName, validateAttributes } from './attributes.js';
import { rawMember } from './json-span.js';
import { isJsonMediaType, isTextMediaType } from './media-type.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const utf8 = new TextEncoder();
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** Media type of the JSON event format, as written on egress. */
export const STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';

/** Decode a structured-mode JSON body; throws BindingError (400). */
export function decodeStructured(body: Uint8Array): CloudEvent {
  const text = decodeUtf8(body);
  const doc = parseObject(text);
  if ('data' in doc && 'data_base64' in doc) {
    throw new BindingError(BindingReason.ConflictingData, 'event has both data and data_base64');
  }
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(doc)) {
    if (name === 'data' || name === 'data_base64') continue;
    const str = attributeString(name, value);
    if (str !== undefined) attributes[name] = str;
  }
  validateAttributes(attributes);
  const data = decodeData(text, doc, attributes['datacontenttype']);
  return data === undefined ? { attributes } : { attributes, data };
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
  if ('data_base64' in doc) {
    const b64 = doc['data_base64'];
    if (typeof b64 !== 'string' || !BASE64.test(b64)) {
      throw new BindingError(BindingReason.InvalidBase64, 'data_base64 is not valid base64');
    }
    return new Uint8Array(Buffer.from(b64, 'base64'));
  }
  if (!('data' in doc)) return undefined;
  const value = doc['data'];
  // A string under a non-JSON media type is the data itself, not JSON text.
  if (typeof value === 'string' && contentType !== undefined && !isJsonMediaType(contentType)) {
    return utf8.encode(value);
  }
  return utf8.encode(rawMember(text, 'data') ?? JSON.stringify(value));
}

function encodeData(event: CloudEvent): string {
  const data = event.data ?? new Uint8Array();
  const contentType = event.attributes['datacontenttype'];
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

/** The canonical string of a JSON attribute value; undefined for null (treated as absent). */
function attributeString(name: string, value: unknown): string | undefined {
  checkAttributeName(name);
  if (value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= INT32_MIN &&
    value <= INT32_MAX
  ) {
    return String(value);
  }
  throw new BindingError(
    BindingReason.InvalidAttributeValue,
    `attribute ${name} must be a string, boolean or 32-bit integer`,
    { attribute: name },
  );
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
