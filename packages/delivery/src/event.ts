/**
 * The in-memory CloudEvent: attributes in their canonical string form (CloudEvents 1.0
 * "canonical string representation", the form binary mode carries) and data as the exact
 * bytes received. Plain data, so it can be cloned, logged and stored without a class.
 */
export interface CloudEvent {
  readonly attributes: Readonly<Record<string, string>>;
  /** Absent when the event has no data (not the same as zero bytes in structured mode). */
  readonly data?: Uint8Array;
  /**
   * Binary-mode headers as received, for attributes whose header bytes differ from what
   * encoding the value would give (Go-style raw values such as `{"a": 5}`, `100%` or raw
   * UTF-8, unnecessary escapes): an attribute still holding `value` is sent as `raw` again,
   * so events from Knative's Go sources reach subscribers byte for byte.
   */
  readonly headerValues?: Readonly<Record<string, ReceivedHeader>>;
}

/** One `ce-*` header as it arrived, and the attribute value it decoded to. */
export interface ReceivedHeader {
  readonly raw: string;
  readonly value: string;
}

/** The CloudEvents version this binding writes, and the one it recommends. */
export const SPEC_VERSION = '1.0';

/** Every version read and forwarded as it is (data-plane-spec A.3, A.5: never upgraded). */
export const SPEC_VERSIONS = ['1.0', '0.3'] as const;

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
  // The rest (data, header forms) is kept: the encoder re-encodes any attribute that changed.
  return { ...event, attributes: { ...event.attributes, ...extra } };
}

/** Short identity for logs and outcomes: duplicates are identified by source + id. */
export function eventKey(event: CloudEvent): { id: string; source: string; type: string } {
  const a = event.attributes;
  return { id: a['id'] ?? '', source: a['source'] ?? '', type: a['type'] ?? '' };
}
