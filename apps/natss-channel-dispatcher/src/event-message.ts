/**
 * A CloudEvent as a JetStream message: the binary-mode HTTP headers (`content-type`,
 * `ce-*`, values percent-encoded as the HTTP binding writes them, so never a CR or LF) as
 * NATS headers, the data as the payload; read back through the same strict binding, so an
 * event leaves the stream exactly as it entered. `Nats-Msg-Id` is derived from `source` and
 * `id`, the pair that identifies an event (spec C.26): a producer retrying within the
 * stream's duplicate window is stored once. Pure.
 */
import { createHash } from 'node:crypto';
import { parseHttpEvent, serializeHttpEvent, type CloudEvent } from '@knative-ts/delivery';

/** What a publish carries. */
export interface EventMessage {
  headers: Record<string, string>;
  payload: Uint8Array;
  msgId: string;
}

/** The message for `event`. */
export function toMessage(event: CloudEvent): EventMessage {
  const { headers, body } = serializeHttpEvent(event, 'binary');
  return { headers: { ...headers }, payload: body, msgId: messageId(event) };
}

/** The de-duplication id: sha256 of source and id (both may hold any character). */
export function messageId(event: CloudEvent): string {
  const hash = createHash('sha256');
  hash.update(event.attributes['source'] ?? '');
  hash.update('\u0000');
  hash.update(event.attributes['id'] ?? '');
  return hash.digest('base64url');
}

/** The event a stored message holds; throws the binding's error for a foreign message. */
export function fromMessage(
  headers: Iterable<[string, string | string[]]>,
  payload: Uint8Array,
): CloudEvent {
  const map: Record<string, string> = {};
  for (const [key, value] of headers) {
    map[key.toLowerCase()] = Array.isArray(value) ? (value[0] ?? '') : value;
  }
  return parseHttpEvent({ headers: map, body: payload });
}
