/** An event as JSON: attributes at the top, `data` parsed when JSON, else text or base64. */
import type { CloudEvent } from '@knative-ts/delivery';

/** The CloudEvents JSON shape of `event` (data_base64 for bytes that are not UTF-8 text). */
export function eventView(event: CloudEvent): Record<string, unknown> {
  const view: Record<string, unknown> = { ...event.attributes };
  if (event.data === undefined) return view;
  const text = utf8(event.data);
  if (text === undefined) view['data_base64'] = Buffer.from(event.data).toString('base64');
  else if (isJson(event.attributes['datacontenttype'])) view['data'] = parseOr(text);
  else view['data'] = text;
  return view;
}

/** The event's data as a JSON value, when it is JSON. */
export function jsonData(event: CloudEvent): unknown {
  if (event.data === undefined) return undefined;
  const text = utf8(event.data);
  return text === undefined ? undefined : parseOr(text);
}

/** A copy of `event` whose data is `value` as JSON. */
export function withJsonData(event: CloudEvent, value: unknown): CloudEvent {
  return {
    attributes: { ...event.attributes, datacontenttype: 'application/json' },
    data: new TextEncoder().encode(JSON.stringify(value)),
  };
}

function isJson(contentType: string | undefined): boolean {
  // No content type: CloudEvents' JSON format assumes JSON.
  if (contentType === undefined) return true;
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || type.endsWith('+json') || type === 'text/json';
}

function utf8(data: Uint8Array): string | undefined {
  // Bytes that survive a UTF-8 round trip unchanged are text.
  const text = Buffer.from(data).toString('utf8');
  return Buffer.from(text, 'utf8').equals(data) ? text : undefined;
}

function parseOr(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    if (err instanceof Error && err.name === 'SyntaxError') return text;
    throw err;
  }
}
