/** Stable codes of every error this package throws; match on `code`, never on message. */
export const DeliveryErrorCode = {
  /** The request is not a valid CloudEvent (HTTP 400) or uses a format we cannot read (415). */
  MalformedEvent: 'DELIVERY_ERR_MALFORMED_EVENT',
  /** A DeliverySpec field cannot be used (bad ISO-8601 duration, negative retry). */
  InvalidDeliverySpec: 'DELIVERY_ERR_INVALID_DELIVERY_SPEC',
  /** A destination URL is not an absolute http(s) URL. */
  InvalidUrl: 'DELIVERY_ERR_INVALID_URL',
  /** No HTTP response: connection refused or reset, DNS failure, TLS failure. */
  Transport: 'DELIVERY_ERR_TRANSPORT',
  /** The per-attempt `delivery.timeout` elapsed before the response was read. */
  Timeout: 'DELIVERY_ERR_TIMEOUT',
  /** The destination answered with a non-2xx status. */
  HttpStatus: 'DELIVERY_ERR_HTTP_STATUS',
  /** A 200 response claimed to carry a reply event that is not a valid CloudEvent. */
  MalformedReply: 'DELIVERY_ERR_MALFORMED_REPLY',
  /** Local mode could not map a cluster address to a local port. */
  LocalResolve: 'DELIVERY_ERR_LOCAL_RESOLVE',
  /** The caller gave up (its request closed, or shutdown): nothing more is attempted. */
  Aborted: 'DELIVERY_ERR_ABORTED',
  /** The dispatch deadline would pass before the next retry: no more retries. */
  DeadlineExceeded: 'DELIVERY_ERR_DEADLINE_EXCEEDED',
  /** The process is at its in-flight bound: the sender is told to come back later. */
  Overloaded: 'DELIVERY_ERR_OVERLOADED',
} as const;

export type DeliveryErrorCode = (typeof DeliveryErrorCode)[keyof typeof DeliveryErrorCode];

/** An error with a stable code and structured context for logs. */
export class DeliveryError extends Error {
  override readonly name: string = 'DeliveryError';

  constructor(
    readonly code: DeliveryErrorCode,
    message: string,
    readonly context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Why a request is not a CloudEvent we accept. Stable strings: dispatchers put them in the
 * 400 body and in metrics, tests assert on them.
 */
export const BindingReason = {
  /** Neither `ce-specversion` nor a CloudEvents content type. */
  NotCloudEvent: 'not-a-cloudevent',
  /** `application/cloudevents-batch+json`: Knative answers 400 (data-plane-spec A.4). */
  BatchUnsupported: 'batch-unsupported',
  /** `application/cloudevents+<format>` other than json, without binary-mode headers. */
  UnsupportedFormat: 'unsupported-format',
  MissingAttribute: 'missing-required-attribute',
  EmptyAttribute: 'empty-attribute',
  UnsupportedSpecVersion: 'unsupported-specversion',
  InvalidAttributeName: 'invalid-attribute-name',
  InvalidAttributeValue: 'invalid-attribute-value',
  ReservedAttribute: 'reserved-attribute-name',
  InvalidHeaderEncoding: 'invalid-header-encoding',
  DuplicateAttribute: 'duplicate-attribute',
  /** A header that must appear once (Content-Type) was repeated. */
  DuplicateHeader: 'duplicate-header',
  /** A structured-mode attribute whose JSON type its CloudEvents type does not allow. */
  InvalidAttributeType: 'invalid-attribute-type',
  DataContentTypeHeader: 'ce-datacontenttype-header',
  InvalidJson: 'invalid-json',
  ConflictingData: 'data-and-data_base64',
  InvalidBase64: 'invalid-data_base64',
} as const;

export type BindingReason = (typeof BindingReason)[keyof typeof BindingReason];

/** A request that is not a valid CloudEvent: answer it with `status` and `reason`. */
export class BindingError extends DeliveryError {
  override readonly name = 'BindingError';

  constructor(
    readonly reason: BindingReason,
    message: string,
    context: Record<string, unknown> = {},
    /** 400, or 415 for an event format we cannot read. */
    readonly status: 400 | 415 = 400,
  ) {
    super(DeliveryErrorCode.MalformedEvent, message, { ...context, reason });
  }
}
