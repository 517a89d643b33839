/**
 * A destination served inside this process. A channel dispatcher whose subscriber is this
 * system's broker-filter can run the filter's work for a known Trigger itself instead of
 * sending the event over HTTP to broker-filter: the channel side (retries with the
 * Trigger's delivery spec, the reply to the Broker, the dead letter) then sees the same
 * response broker-filter would have written, without the hop.
 *
 * The Sender keeps the HTTP semantics of the attempt: the per-attempt timeout and the
 * caller's cancellation abort the local call through its signal, and end the attempt with
 * the same Timeout / Aborted errors as a request that got no response.
 */
import { DeliveryError, DeliveryErrorCode } from '../errors.js';
import type { CloudEvent } from '../event.js';
import type { HttpResponse } from './transport.js';

export interface LocalCall {
  /** The event as it would have been sent (not serialized). */
  event: CloudEvent;
  /** The request headers the Sender would have sent, without the event's own. */
  headers: Record<string, string>;
  /** Aborted when the attempt times out or the caller gives up. */
  signal: AbortSignal;
}

/** Answers one attempt as the remote destination would have. */
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
): Promise<HttpResponse> {
  const { url, signal } = call;
  if (isAborted(signal)) throw aborted(url, signal?.reason);
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const attempt = { timedOut: false };
  const timer =
    call.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          attempt.timedOut = true;
          controller.abort();
        }, call.timeoutMs).unref();
  try {
    const response = await local({
      event: call.event,
      headers: call.headers,
      signal: controller.signal,
    });
    // As over HTTP: once the attempt timed out or was abandoned, no response counts.
    if (attempt.timedOut) {
      throw new DeliveryError(
        DeliveryErrorCode.Timeout,
        `no complete response from ${url} within ${call.timeoutMs} ms`,
        { url, timeoutMs: call.timeoutMs },
      );
    }
    // Read again: the caller may have given up while the local call ran.
    if (isAborted(signal)) throw aborted(url, signal?.reason);
    return response;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
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
