/**
 * Between the CloudEvents SDK's events (what the services receive and answer, as users
 * write theirs) and the plain attribute/bytes model the services' logic works on.
 */
import { parseHttpEvent, type CloudEvent as PlainEvent } from '@knative-ts/delivery';
import { CloudEvent, HTTP, type CloudEventV1 } from 'cloudevents';
import { jsonData } from './event-view.js';

/** The SDK event as attributes and exact data bytes (through the SDK's binary binding). */
export function fromSdkEvent(event: CloudEventV1<unknown>): PlainEvent {
  const message = HTTP.binary(event);
  const body = message.body;
  const bytes =
    body === undefined || body === null
      ? new Uint8Array()
      : typeof body === 'string'
        ? new TextEncoder().encode(body)
        : new Uint8Array(body as ArrayBufferLike);
  return parseHttpEvent({ headers: message.headers as Record<string, string>, body: bytes });
}

/** An SDK event with the plain event's attributes; JSON data parsed, other data as text or bytes. */
export function toSdkEvent(event: PlainEvent): CloudEvent<unknown> {
  const attributes: Record<string, unknown> = { ...event.attributes };
  if (event.data !== undefined) {
    const json = isJson(event.attributes['datacontenttype']) ? jsonData(event) : undefined;
    if (json !== undefined) attributes['data'] = json;
    else {
      const text = Buffer.from(event.data).toString('utf8');
      if (Buffer.from(text, 'utf8').equals(event.data)) attributes['data'] = text;
      else attributes['data_base64'] = Buffer.from(event.data).toString('base64');
    }
  }
  return new CloudEvent(attributes, false);
}

function isJson(contentType: string | undefined): boolean {
  const type = (contentType ?? 'application/json').split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || type.endsWith('+json') || type === 'text/json';
}
