/**
 * The appender of Knative's Sequence tutorial (eventing `cmd/appender`): appends MESSAGE to
 * the `message` field of the event's JSON data and replies with the event.
 */
import type { CloudEvent } from '@knative-ts/delivery';
import { jsonData, withJsonData } from './event-view.js';

/** The reply to `event`: same attributes, `message` extended by `suffix`. */
export function appendMessage(event: CloudEvent, suffix: string): CloudEvent {
  const data = jsonData(event);
  const object =
    data !== null && typeof data === 'object' && !Array.isArray(data)
      ? (data as Record<string, unknown>)
      : {};
  const message = typeof object['message'] === 'string' ? object['message'] : '';
  return withJsonData(event, { ...object, message: message + suffix });
}
