/**
 * The event a dead-letter sink receives: the ORIGINAL event (never the reply) plus
 * Knative's error extensions (eventing `attributes/knative_error.go`,
 * `event_dispatcher.go dispatchExecutionInfoTransformers`):
 * `knativeerrordest` the URL that failed, `knativeerrorcode` the final HTTP status (500
 * when there was no response), `knativeerrordata` the base64 of the failed response body
 * cut to 1024 characters. We encode first and then cut, which is what Knative means to do
 * (its Go sizes the buffer before encoding).
 *
 * When the destination that failed is broker-filter, its answer is not the subscriber's:
 * broker-filter reports a failed subscriber with the JSON body
 * `{"errdestination": <subscriber URL>, "errresponsebody": <base64 of its body>}`
 * (eventing `pkg/broker/err_extension.go`, `filter_handler.go send`), and the dispatcher
 * unwraps it so the dead letter names the real subscriber and carries its body
 * (`event_dispatcher.go dispatchExecutionInfoTransformers`). Knative drops every error
 * extension when that body does not parse; we keep broker-filter's URL and raw body.
 */
import { DEFAULT_SYSTEM_NAMESPACE, SystemService, systemServiceHost } from '@knative-ts/types';
import { KnativeErrorExtension, withAttributes, type CloudEvent } from '../event.js';

/** What the last failed attempt left behind. */
export interface DeliveryFailure {
  /** The URL that could not be delivered to (subscriber or reply). */
  destination: string;
  /** Final HTTP status; undefined when no response was received. */
  status?: number;
  /** Response body of the failed attempt, or a description of the transport error. */
  body: Uint8Array;
}

/** Status Knative reports for failures without an HTTP response. */
export const NO_RESPONSE_CODE = 500;

/** broker-filter's host in a default install: `broker-filter.knative-eventing.svc.cluster.local`. */
export const DEFAULT_BROKER_FILTER_HOST = systemServiceHost(
  SystemService.BrokerFilter,
  DEFAULT_SYSTEM_NAMESPACE,
);

export interface DeadLetterOptions {
  /** Host whose failures carry a broker-filter error body (default DEFAULT_BROKER_FILTER_HOST). */
  brokerFilterHost?: string;
}

/** The original event with the three knativeerror* extensions. */
export function deadLetterEvent(
  original: CloudEvent,
  failure: DeliveryFailure,
  options: DeadLetterOptions = {},
): CloudEvent {
  const real = unwrapBrokerFilterFailure(
    failure,
    options.brokerFilterHost ?? DEFAULT_BROKER_FILTER_HOST,
  );
  return withAttributes(original, {
    [KnativeErrorExtension.Dest]: real.destination,
    [KnativeErrorExtension.Code]: String(real.status ?? NO_RESPONSE_CODE),
    [KnativeErrorExtension.Data]: errorData(real.body),
  });
}

/** What broker-filter answers when a trigger's subscriber failed (eventing ErrExtensionInfo). */
export interface BrokerFilterErrorBody {
  errdestination: string;
  /** base64, as Go marshals a []byte. */
  errresponsebody: string;
}

/** The JSON body broker-filter answers a failed subscriber delivery with. */
export function encodeBrokerFilterError(destination: string, responseBody: Uint8Array): Uint8Array {
  const body: BrokerFilterErrorBody = {
    errdestination: destination,
    errresponsebody: Buffer.from(
      responseBody.buffer,
      responseBody.byteOffset,
      responseBody.byteLength,
    ).toString('base64'),
  };
  return utf8.encode(JSON.stringify(body));
}

/** Reads a broker-filter error body; undefined when `body` is not one. */
export function decodeBrokerFilterError(
  body: Uint8Array,
): { destination: string; body: Uint8Array } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8Decoder.decode(body));
  } catch {
    // Not JSON: not a broker-filter error body (e.g. a failure broker-filter itself answered).
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { errdestination, errresponsebody } = parsed as Record<string, unknown>;
  if (typeof errdestination !== 'string' || errdestination === '') return undefined;
  if (errresponsebody !== undefined && errresponsebody !== null) {
    if (typeof errresponsebody !== 'string' || !BASE64.test(errresponsebody)) return undefined;
  }
  const bytes = Buffer.from(typeof errresponsebody === 'string' ? errresponsebody : '', 'base64');
  return { destination: errdestination, body: new Uint8Array(bytes) };
}

/**
 * The failure as the dead letter reports it: for a failed delivery to broker-filter
 * (`host`), the subscriber's URL and body from broker-filter's error body.
 */
export function unwrapBrokerFilterFailure(failure: DeliveryFailure, host: string): DeliveryFailure {
  if (hostOf(failure.destination) !== host) return failure;
  const inner = decodeBrokerFilterError(failure.body);
  if (inner === undefined) return failure;
  const unwrapped: DeliveryFailure = { destination: inner.destination, body: inner.body };
  if (failure.status !== undefined) unwrapped.status = failure.status;
  return unwrapped;
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    // Not a URL (should not happen for a destination): nothing to unwrap.
    return undefined;
  }
}

/** base64 of the body, cut after encoding to Knative's 1024-character cap. */
export function errorData(body: Uint8Array): string {
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength)
    .toString('base64')
    .slice(0, KnativeErrorExtension.DataMaxLength);
}
