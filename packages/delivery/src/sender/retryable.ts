/**
 * Which outcomes are retried (data-plane-spec C.20/21, eventing `SelectiveRetry`):
 * no response (transport error, timeout), 404, 408, 409, 429 and every 5xx. 1xx, 3xx and
 * the other 4xx fail at once; any non-2xx is a failure.
 */

/** Whether an HTTP status completes the delivery. */
export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status < 300;
}

/** Whether a failed attempt with this status (undefined = no response) is retried. */
export function isRetryableStatus(status: number | undefined): boolean {
  if (status === undefined) return true;
  return status >= 500 || status === 404 || status === 408 || status === 409 || status === 429;
}
