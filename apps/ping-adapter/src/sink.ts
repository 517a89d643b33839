/** Sending a tick's event to its sink, with the retries Knative's ping adapter uses. */
import type { CloudEvent, DeliveryConfig, Sender } from '@knative-ts/delivery';
import type { SendOutcome } from './scheduler.js';

/**
 * Knative's mtping: exponential backoff from 50 ms, 5 retries, "to be less than 1mn"
 * (`runner.go`, `ContextWithRetriesExponentialBackoff(ctx, 50ms, 5)`).
 */
export const PING_DELIVERY: DeliveryConfig = {
  retry: 5,
  backoffPolicy: 'exponential',
  backoffDelayMs: 50,
  format: 'binary',
};

/** A `send` for the scheduler over `sender`: a source forwards to its sink, no reply asked. */
export function sinkSender(
  sender: Pick<Sender, 'send'>,
): (event: CloudEvent, sinkUri: string) => Promise<SendOutcome> {
  return (event, sinkUri) =>
    sender.send(event, sinkUri, { config: PING_DELIVERY, role: 'forward' });
}
