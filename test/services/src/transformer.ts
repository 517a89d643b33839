/**
 * The transformer of Knative's Parallel tutorial (image `transformer-nodejs`): replies with
 * the event, its data replaced by TRANSFORMER's object. The tutorial writes TRANSFORMER as a
 * parenthesized JavaScript object (`({"message": "this is odd!"})`); plain JSON works too.
 */
import type { CloudEvent } from '@knative-ts/delivery';
import { withJsonData } from './event-view.js';

/** The JSON value of TRANSFORMER; throws with the text when it is not JSON. */
export function parseTransformer(text: string): unknown {
  let body = text.trim();
  while (body.startsWith('(') && body.endsWith(')')) body = body.slice(1, -1).trim();
  try {
    return JSON.parse(body) as unknown;
  } catch (err) {
    throw new Error(`TRANSFORMER is not a JSON value: ${text}`, { cause: err });
  }
}

/** The reply to `event`: same attributes, `data` as JSON. */
export function transform(event: CloudEvent, data: unknown): CloudEvent {
  return withJsonData(event, data);
}
