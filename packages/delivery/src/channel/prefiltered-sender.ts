/**
 * The Trigger prefilter for a durable channel dispatcher (Kafka, JetStream), which hands
 * each stored event to one subscriber at a time: where the prefilter says broker-filter
 * would certainly answer 200 and deliver nothing, `dispatch` answers that itself, with no
 * request. The caller settles the message as for any delivered event (commit, ack), so a
 * Trigger whose filter rejects the event costs neither a request nor a redelivery.
 */
import type { CloudEvent } from '../event.js';
import type { DispatchRequest, DispatchResult, Sender } from '../sender/sender.js';
import type { TriggerPrefilter } from './trigger-prefilter.js';

/** What broker-filter's 200-without-delivery amounts to: done, nothing to reply. */
const FILTERED: DispatchResult = Object.freeze({ ok: true, deadLettered: false });

/** `sender`, but answering for broker-filter where `prefilter` skips the subscriber. */
export function prefilteredSender(
  sender: Pick<Sender, 'dispatch'>,
  prefilter: Pick<TriggerPrefilter, 'skipper'>,
): Pick<Sender, 'dispatch'> {
  return {
    dispatch(event: CloudEvent, request: DispatchRequest): Promise<DispatchResult> {
      if (prefilter.skipper(event)?.(request.subscriber) === true) {
        return Promise.resolve(FILTERED);
      }
      return sender.dispatch(event, request);
    },
  };
}
