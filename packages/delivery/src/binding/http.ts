/**
 * The receive and send sides of the CloudEvents 1.0 HTTP binding: pick the content mode
 * from Content-Type (§3), decode strictly, encode in binary or structured mode.
 */
import { BindingError, BindingReason } from '../errors.js';
import type { CloudEvent } from '../event.js';
import { RecentEntryCache } from '../recent-entry-cache.js';
import { decodeBinary, encodeBinary, onlyValue, single, type HeaderMap } from './binary.js';
import { contentModeOf } from './media-type.js';
import { decodeStructured, encodeStructured, STRUCTURED_CONTENT_TYPE } from './structured.js';

/** An HTTP message (request or response) as the binding sees it. */
export interface HttpMessage {
  headers: HeaderMap;
  body: Uint8Array;
}

/** Egress content mode, as `delivery.format` names it: `json` = structured. */
export type EventFormat = 'binary' | 'json';

/**
 * Read the CloudEvent an HTTP message carries. Throws BindingError: status 400 (with a
 * reason) for anything malformed or batched, 415 for a structured format other than JSON.
 */
export function parseHttpEvent(message: HttpMessage): CloudEvent {
  const contentType = onlyValue(
    'content-type',
    message.headers['content-type'],
    BindingReason.DuplicateHeader,
  );
  const { mode, format } = contentModeOf(contentType);
  if (mode === 'batch') {
    // Knative's receivers cannot turn a batch into one event and answer 400 (spec A.4).
    throw new BindingError(BindingReason.BatchUnsupported, 'batched content mode is not supported');
  }
  if (mode === 'structured' && format === 'json') return decodeStructured(message.body);
  const specVersion = single(message.headers['ce-specversion']);
  if (mode === 'structured') {
    // §3: an unknown event format MAY be handled as binary when the ce- headers are there.
    if (specVersion !== undefined) return decodeBinary(message.headers, message.body);
    throw new BindingError(
      BindingReason.UnsupportedFormat,
      `event format "${contentType}" is not supported`,
      { contentType },
      415,
    );
  }
  if (specVersion === undefined) {
    throw new BindingError(
      BindingReason.NotCloudEvent,
      'no ce-specversion header and no CloudEvents content type',
    );
  }
  return decodeBinary(message.headers, message.body);
}

/** Whether a message claims to carry an event (binary headers or a CloudEvents media type). */
export function carriesEvent(headers: HeaderMap): boolean {
  if (single(headers['ce-specversion']) !== undefined) return true;
  return contentModeOf(single(headers['content-type'])).mode !== 'binary';
}

/** An encoded event: the headers to set (frozen: shared) and the body. */
export interface EventPayload {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

// Events are immutable, and a fan-out sends one event to every subscriber: it is encoded
// once per mode and the payload shared.
const payloads: Record<EventFormat, RecentEntryCache<CloudEvent, EventPayload>> = {
  binary: new RecentEntryCache(),
  json: new RecentEntryCache(),
};

/** Encode an event for an HTTP request or response in the given mode. */
export function serializeHttpEvent(
  event: CloudEvent,
  format: EventFormat = 'binary',
): EventPayload {
  const known = payloads[format].get(event);
  if (known !== undefined) return known;
  const encoded =
    format === 'binary'
      ? encodeBinary(event)
      : { headers: { 'content-type': STRUCTURED_CONTENT_TYPE }, body: encodeStructured(event) };
  const payload: EventPayload = { headers: Object.freeze(encoded.headers), body: encoded.body };
  payloads[format].set(event, payload);
  return payload;
}
