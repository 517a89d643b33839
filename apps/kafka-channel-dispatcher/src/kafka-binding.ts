/**
 * The CloudEvents Kafka protocol binding, binary content mode (cloudevents/spec
 * `kafka-protocol-binding.md`): each attribute is a `ce_<name>` header, `datacontenttype`
 * is the `content-type` header, the data is the record value, and the `partitionkey`
 * extension, when present, is the record key (it also stays a header, so the event
 * leaves the channel exactly as it came in). Pure.
 */
import type { CloudEvent } from '@knative-ts/delivery';

/** A record as the producer writes it. */
export interface EventRecord {
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** A record as the consumer reads it (kafkajs hands out Buffers). */
export interface ReadRecord {
  value: Buffer | null;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

const PREFIX = 'ce_';
const CONTENT_TYPE = 'content-type';
const REQUIRED = ['specversion', 'id', 'source', 'type'] as const;

/** `event` as a binary-mode record. */
export function toRecord(event: CloudEvent): EventRecord {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.attributes)) {
    if (name === 'datacontenttype') headers[CONTENT_TYPE] = value;
    else headers[PREFIX + name] = value;
  }
  const data = event.data;
  return {
    key: event.attributes['partitionkey'] ?? null,
    value: data === undefined ? null : Buffer.from(data.buffer, data.byteOffset, data.byteLength),
    headers,
  };
}

/** The event a binary-mode record carries, or why it is not one. */
export function fromRecord(record: ReadRecord): { event: CloudEvent } | { error: string } {
  const attributes: Record<string, string> = {};
  for (const [name, raw] of Object.entries(record.headers ?? {})) {
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (lower === CONTENT_TYPE) attributes['datacontenttype'] = value.toString();
    else if (lower.startsWith(PREFIX)) attributes[lower.slice(PREFIX.length)] = value.toString();
  }
  const missing = REQUIRED.filter((a) => !attributes[a]);
  if (missing.length > 0) return { error: `record is not a CloudEvent: no ${missing.join(', ')}` };
  const value = record.value;
  if (value === null) return { event: { attributes } };
  return {
    event: { attributes, data: new Uint8Array(value.buffer, value.byteOffset, value.length) },
  };
}
