/**
 * The in-memory CloudEvent: attributes in their canonical string form (CloudEvents 1.0
 * "canonical string representation", the form binary mode carries) and data as the exact
 * bytes received. Plain data, so it can be cloned, logged and stored without a class.
 */
export interface CloudEvent {
  readonly attributes: Readonly<Record<string, string>>;
  /** Absent when the event has no data (not the same as zero bytes in structured mode). */
  readonly data?: Uint8Array;
}

/** The CloudEvents version this binding reads and writes. */
export const SPEC_VERSION = '1.0';

/** Attributes every event carries (CloudEvents 1.0 "REQUIRED Attributes"). */
export const REQUIRED_ATTRIBUTES = ['specversion', 'id', 'source', 'type'] as const;

/** Extensions Knative adds to dead-lettered events (eventing `attributes/knative_error.go`). */
export const KnativeErrorExtension = {
  Dest: 'knativeerrordest',
  Code: 'knativeerrorcode',
  Data: 'knativeerrordata',
  /** Cap on `knativeerrordata`, applied after base64 encoding. */
  DataMaxLength: 1024,
} as const;

/** A copy of `event` with `extra` attributes set (existing names are overwritten). */
export function withAttributes(event: CloudEvent, extra: Record<string, string>): CloudEvent {
  const attributes = { ...event.attributes, ...extra };
  return event.data === undefined ? { attributes } : { attributes, data: event.data };
}

/** Short identity for logs and outcomes: duplicates are identified by source + id. */
export function eventKey(event: CloudEvent): { id: string; source: string; type: string } {
  const a = event.attributes;
  return { id: a['id'] ?? '', source: a['source'] ?? '', type: a['type'] ?? '' };
}
