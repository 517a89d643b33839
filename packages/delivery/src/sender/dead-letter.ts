/**
 * The event a dead-letter sink receives: the ORIGINAL event (never the reply) plus
 * Knative's error extensions (eventing `attributes/knative_error.go`,
 * `event_dispatcher.go dispatchExecutionInfoTransformers`):
 * `knativeerrordest` the URL that failed, `knativeerrorcode` the final HTTP status (500
 * when there was no response), `knativeerrordata` the base64 of the failed response body
 * cut to 1024 characters. We encode first and then cut, which is what Knative means to do
 * (its Go sizes the buffer before encoding).
 */
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

/** The original event with the three knativeerror* extensions. */
export function deadLetterEvent(original: CloudEvent, failure: DeliveryFailure): CloudEvent {
  return withAttributes(original, {
    [KnativeErrorExtension.Dest]: failure.destination,
    [KnativeErrorExtension.Code]: String(failure.status ?? NO_RESPONSE_CODE),
    [KnativeErrorExtension.Data]: errorData(failure.body),
  });
}

/** base64 of the body, cut after encoding to Knative's 1024-character cap. */
export function errorData(body: Uint8Array): string {
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength)
    .toString('base64')
    .slice(0, KnativeErrorExtension.DataMaxLength);
}
