/**
 * What broker-filter answers its caller (the trigger channel's dispatcher) once the
 * subscriber answered (eventing `filter_handler.go send` / `writeResponse`):
 * - non-2xx: the subscriber's status with the JSON error body
 *   `{"errdestination", "errresponsebody"}`, so the dispatcher's dead letter names the
 *   real subscriber and body; no answer at all: 500 with the same body (Knative sends none);
 * - 200 carrying an event: 200 with that reply event in binary mode and the TTL restored,
 *   so the channel's reply (the Broker) re-ingests it and ingress decrements the TTL;
 * - 200 whose event does not parse, or any 2xx with a non-empty body that is not an
 *   event: 502 (data-plane-spec E.39);
 * - other 2xx carrying an event: not a reply (spec E.36), the status passes through;
 * - 2xx with an empty body: the status passes through.
 * Pass-through response headers (Retry-After, Knative-*, …) go back in every case.
 */
import {
  BROKER_TTL_ATTRIBUTE,
  BindingError,
  carriesEvent,
  encodeBrokerFilterError,
  isSuccessStatus,
  parseHttpEvent,
  passThroughHeaders,
  serializeHttpEvent,
  withAttributes,
  type CloudEvent,
  type HttpResponse,
} from '@knative-ts/delivery';

/** Status for a reply that is not a valid event. */
export const MALFORMED_REPLY_STATUS = 502;
/** Status when the subscriber could not be reached or did not answer in time. */
export const NO_RESPONSE_STATUS = 500;

/**
 * `refused`: broker-filter's own 4xx (no TTL, no subscriber); `unmatched`: the filter
 * rejected the event (200, nothing delivered).
 */
export type AnswerKind = 'reply' | 'accepted' | 'failed' | 'malformed' | 'refused' | 'unmatched';

/** The complete answer broker-filter writes. */
export interface FilterAnswer {
  kind: AnswerKind;
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
  /** The reply event, for `reply`. */
  reply?: CloudEvent;
  /** Why, for `malformed`. */
  reason?: string;
}

const EMPTY = new Uint8Array();
const JSON_TYPE = 'application/json';

/** The answer for a subscriber response; `ttl` is the TTL the event arrived with. */
export function answerFor(res: HttpResponse, destination: string, ttl: number): FilterAnswer {
  const headers = passThroughHeaders(res.headers);
  if (!isSuccessStatus(res.status)) return failed(res.status, headers, destination, res.body);
  if (!carriesEvent(res.headers)) {
    if (res.body.byteLength === 0)
      return { kind: 'accepted', status: res.status, headers, body: EMPTY };
    const reason = 'the response is neither empty nor a CloudEvent';
    return malformed(headers, destination, res.body, reason);
  }
  if (res.status !== 200) return { kind: 'accepted', status: res.status, headers, body: EMPTY };
  let event: CloudEvent;
  try {
    event = parseHttpEvent({ headers: res.headers, body: res.body });
  } catch (err) {
    if (!(err instanceof BindingError)) throw err;
    return malformed(headers, destination, res.body, `${err.reason}: ${err.message}`);
  }
  const reply = withAttributes(event, { [BROKER_TTL_ATTRIBUTE]: String(ttl) });
  const payload = serializeHttpEvent(reply, 'binary');
  return {
    kind: 'reply',
    status: 200,
    headers: { ...headers, ...payload.headers },
    body: payload.body,
    reply,
  };
}

/** The answer when no response came back; `detail` describes the transport failure. */
export function answerForNoResponse(destination: string, detail: string): FilterAnswer {
  const body = new TextEncoder().encode(`dispatch error: ${detail}`);
  return failed(NO_RESPONSE_STATUS, {}, destination, body);
}

function failed(
  status: number,
  headers: Record<string, string>,
  destination: string,
  body: Uint8Array,
): FilterAnswer {
  return {
    kind: 'failed',
    status,
    headers: { ...headers, 'content-type': JSON_TYPE },
    body: encodeBrokerFilterError(destination, body),
  };
}

function malformed(
  headers: Record<string, string>,
  destination: string,
  body: Uint8Array,
  reason: string,
): FilterAnswer {
  return {
    ...failed(MALFORMED_REPLY_STATUS, headers, destination, body),
    kind: 'malformed',
    reason,
  };
}
