/**
 * Reply detection (data-plane-spec E.36): only a **200** response carrying a CloudEvent
 * is a reply; 202 (and other 2xx) never are, even with an event in the body, and 200 with
 * no event is plain success. Knative's Go dispatcher takes any 2xx — we follow the spec.
 * A 200 that claims an event (ce- headers or a CloudEvents content type) but does not
 * parse is a failed delivery (E.39), reported like broker-filter does: as a 502.
 */
import type { HeaderMap } from '../binding/binary.js';
import { carriesEvent, parseHttpEvent } from '../binding/http.js';
import { BindingError } from '../errors.js';
import type { CloudEvent } from '../event.js';

/** What a successful response means for replies. */
export type ReplyReading =
  | { kind: 'none' }
  | { kind: 'reply'; event: CloudEvent }
  | { kind: 'malformed'; error: BindingError };

/** Status we report (and dead-letter with) for a 200 whose reply event is malformed. */
export const MALFORMED_REPLY_STATUS = 502;

/** Read the reply, if any, from a 2xx response. */
export function readReply(status: number, headers: HeaderMap, body: Uint8Array): ReplyReading {
  if (status !== 200 || !carriesEvent(headers)) return { kind: 'none' };
  try {
    return { kind: 'reply', event: parseHttpEvent({ headers, body }) };
  } catch (err) {
    if (err instanceof BindingError) return { kind: 'malformed', error: err };
    throw err;
  }
}
