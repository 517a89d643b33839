/**
 * Publishes an accepted event to its channel's stream and waits for JetStream's ack: the
 * ingress answers 202 only for an event JetStream has stored (or already held, within the
 * duplicate window). Bounded: beyond `maxPending` publishes awaiting their ack it refuses
 * at once with 429 rather than queueing without limit.
 */
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { CloudEvent } from '@knative-ts/delivery';
import { toMessage } from './event-message.js';

export type PublishResult =
  { ok: true; duplicate: boolean; seq: number } | { ok: false; status: 429 | 503; message: string };

export interface PublisherOptions {
  /** Undefined while NATS is not connected: every publish is then a 503. */
  jetstream: () => JetStreamClient | undefined;
  maxPending: number;
  timeoutMs: number;
}

export class Publisher {
  private pending = 0;

  constructor(private readonly options: PublisherOptions) {}

  /** Stores `event` in `stream` through `subject`; never throws. */
  async publish(stream: string, subject: string, event: CloudEvent): Promise<PublishResult> {
    const js = this.options.jetstream();
    if (!js) return { ok: false, status: 503, message: 'not connected to NATS' };
    if (this.pending >= this.options.maxPending) {
      return { ok: false, status: 429, message: `${this.pending} publishes awaiting JetStream` };
    }
    const message = toMessage(event);
    const hdrs = natsHeaders();
    for (const [key, value] of Object.entries(message.headers)) hdrs.set(key, value);
    this.pending++;
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
    } finally {
      this.pending--;
    }
  }
}
