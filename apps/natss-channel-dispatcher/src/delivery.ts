/**
 * One delivery of a stored message to one subscriber: the event read back from the
 * message, then one attempt of Sender.dispatch (subscriber → reply → dead-letter sink),
 * the attempt number being JetStream's delivery count. As in eventing-natss, the retries
 * are JetStream's: a retryable failure before the last attempt is NAKed with the backoff
 * delay (the retry outlives this process, and holds no delivery slot meanwhile); the last
 * attempt dead-letters. `ack` once delivered or dead-lettered; `term` when it failed for
 * good without a dead-letter sink (dropped, as every Knative channel does) or the
 * message is not a CloudEvent.
 */
import type { JsMsg } from '@nats-io/jetstream';
import { DeliveryErrorCode, eventKey, type Sender } from '@knative-ts/delivery';
import type { Logger } from '@knative-ts/reconciler';
import type { CompiledSubscriber } from './channel-config.js';
import { fromMessage } from './event-message.js';
import type { Outcome } from './subscription-consumer.js';

export interface DeliverArgs {
  sender: Pick<Sender, 'dispatch'>;
  sub: CompiledSubscriber;
  /** Namespace of the channel, sent as Kn-Namespace. */
  namespace: string;
  channel: string;
  log: Logger;
}

/** The deliver function of a SubscriptionConsumer for `sub`. */
export function deliverTo(
  args: DeliverArgs,
): (msg: JsMsg, signal: AbortSignal) => Promise<Outcome> {
  const { sender, sub, namespace, log } = args;
  return async (msg, signal) => {
    let event;
    try {
      event = fromMessage(msg.headers ?? [], msg.data);
    } catch (err) {
      log.error(
        { err, channel: args.channel, seq: msg.seq },
        'stored message is not a CloudEvent, dropped',
      );
      return 'term';
    }
    try {
      const result = await sender.dispatch(event, {
        subscriber: sub.subscriber,
        ...(sub.reply !== undefined && { reply: sub.reply }),
        ...(sub.deadLetterSink !== undefined && { deadLetterSink: sub.deadLetterSink }),
        config: sub.config,
        namespace,
        signal,
        attempt: msg.info.deliveryCount,
      });
      if (result.ok) return 'ack';
      if (result.retryInMs !== undefined) return { retryInMs: result.retryInMs };
      // Stopped mid-delivery: left for redelivery, not dropped.
      if (result.error?.code === DeliveryErrorCode.Aborted) return 'abandon';
      log.warn(
        {
          channel: args.channel,
          subscription: sub.uid,
          event: eventKey(event),
          status: result.status,
          err: result.error,
        },
        'delivery failed without dead-letter sink, event dropped',
      );
      return 'term';
    } catch (err) {
      // A bug, not a delivery outcome: leave the message for redelivery.
      log.error({ err, channel: args.channel, subscription: sub.uid }, 'dispatch threw');
      throw err;
    }
  };
}
