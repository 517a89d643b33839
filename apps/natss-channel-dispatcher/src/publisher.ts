/**
 * Publishes an accepted event to its channel's stream and waits for JetStream's ack: the
 * ingress answers 202 only for an event JetStream has stored (or already held, within the
 * duplicate window). How many publishes wait at once is bounded by the ingress's
 * in-flight budget (Admission).
 */
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { CloudEvent } from '@knative-ts/delivery';
import { toMessage } from './event-message.js';

export type PublishResult =
  { ok: true; duplicate: boolean; seq: number } | { ok: false; status: 503; message: string };

export interface PublisherOptions {
  /** Undefined while NATS is not connected: every publish is then a 503. */
  jetstream: () => JetStreamClient | undefined;
  timeoutMs: number;
}

export class Publisher {
  constructor(private readonly options: PublisherOptions) {}

  /** Stores `event` in `stream` through `subject`; never throws. */
  async publish(stream: string, subject: string, event: CloudEvent): Promise<PublishResult> {
    const js = this.options.jetstream();
    if (!js) return { ok: false, status: 503, message: 'not connected to NATS' };
    const message = toMessage(event);
    const hdrs = natsHeaders();
    for (const [key, value] of Object.entries(message.headers)) hdrs.set(key, value);
    try {
      const ack = await js.publish(subject, message.payload, {
        msgID: message.msgId,
        headers: hdrs,
        // A subject another stream captured must not be taken for this channel's.
        expect: { streamName: stream },
        timeout: this.options.timeoutMs,
      });
      return { ok: true, duplicate: ack.duplicate, seq: ack.seq };
    } catch (err) {
      return {
        ok: false,
        status: 503,
        message: `JetStream did not store the event in ${stream}: ${(err as Error).message}`,
      };
    }
  }
}
