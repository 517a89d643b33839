/**
 * A destination served inside this process. A channel dispatcher whose subscriber is this
 * system's broker-filter can run the filter's work for a known Trigger itself instead of
 * sending the event over HTTP to broker-filter: the channel side (retries with the
 * Trigger's delivery spec, the reply to the Broker, the dead letter) then sees the same
 * response broker-filter would have written, without the hop.
 *
 * The Sender keeps the HTTP semantics of the attempt. The local destination gets the
 * attempt's deadline and the caller's cancellation and bounds its own work by them (the
 * in-process Trigger delivery hands both to its own send, whose request is cut off like
 * any other); an answer that comes after the deadline, or after the caller gave up, ends
 * the attempt with the same Timeout / Aborted errors as a request that got no response.
 * That costs no timer and no AbortController per call: this runs once per Trigger per event.
 */
import { DeliveryError, DeliveryErrorCode } from '../errors.js';
import type { CloudEvent } from '../event.js';
import type { HttpResponse } from './transport.js';

export interface LocalCall {
  /** The event as it would have been sent (not serialized). */
  event: CloudEvent;
  /** The request headers the Sender would have sent, without the event's own. */
  headers: Record<string, string>;
  /** The caller's cancellation: abandon the work when it aborts. */
  signal?: AbortSignal;
  /** Epoch ms when the attempt times out: no work may outlast it. */
  deadline?: number;
}

/** Answers one attempt as the remote destination would have, within `deadline`. */
export type LocalDestination = (call: LocalCall) => Promise<HttpResponse>;

/** Which URLs this process serves itself (undefined: send over HTTP). */
export type LocalDestinations = (url: string) => LocalDestination | undefined;

/** Runs one attempt against a local destination, bounded like an HTTP attempt. */
export async function callLocal(
  local: LocalDestination,
  call: {
    url: string;
    event: CloudEvent;
    headers: Record<string, string>;
    timeoutMs?: number;
    signal?: AbortSignal;
  },
  now: () => number = Date.now,
): Promise<HttpResponse> {
  const { url, signal, timeoutMs } = call;
  if (isAborted(signal)) throw aborted(url, signal?.reason);
  const deadline = timeoutMs === undefined ? undefined : now() + timeoutMs;
  const response = await local({
    event: call.event,
    headers: call.headers,
    ...(signal && { signal }),
    ...(deadline !== undefined && { deadline }),
  });
  // As over HTTP: once the attempt timed out or was abandoned, no response counts.
  if (deadline !== undefined && now() >= deadline) {
    throw new DeliveryError(
      DeliveryErrorCode.Timeout,
      `no complete response from ${url} within ${timeoutMs} ms`,
      { url, timeoutMs },
    );
  }
  if (isAborted(signal)) throw aborted(url, signal?.reason);
  return response;
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function aborted(url: string, cause: unknown): DeliveryError {
  return new DeliveryError(
    DeliveryErrorCode.Aborted,
    `request to ${url} abandoned: the caller gave up`,
    { url },
    { cause },
  );
}
