/**
 * Sends a source's events one at a time, in the order the API server reported the
 * changes (add before update before delete of one object, as a sink expects), each with
 * retries. Nothing is dropped: an event whose retries are exhausted is logged as lost
 * with its id, and the next one goes.
 */
import type { CloudEvent } from '@knative-ts/delivery';
import type { Logger } from '@knative-ts/reconciler';

/** The result of one send (a Sender's SendResult fits). */
export type SendOutcome =
  { ok: true; status: number } | { ok: false; error: Error; failure: { status?: number } };

export interface SerialSenderOptions {
  send(event: CloudEvent): Promise<SendOutcome>;
  log: Logger;
}

/** A FIFO of events, drained by one sender. */
export class SerialSender {
  private readonly queue: CloudEvent[] = [];
  private draining: Promise<void> | undefined;
  /** Events handed to the sink (2xx) and events lost after retries, for logs and tests. */
  delivered = 0;
  lost = 0;

  constructor(private readonly options: SerialSenderOptions) {}

  /** Queues `event`; it is sent after every event queued before it. */
  push(event: CloudEvent): void {
    this.queue.push(event);
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
  }

  /** Events waiting or being sent. */
  pending(): number {
    return this.queue.length;
  }

  /** Resolves once everything queued so far has been sent (or lost). */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    const { log } = this.options;
    for (let event = this.queue[0]; event !== undefined; event = this.queue[0]) {
      const fields = {
        id: event.attributes['id'],
        type: event.attributes['type'],
        subject: event.attributes['subject'],
      };
      try {
        const result = await this.options.send(event);
        if (result.ok) {
          this.delivered++;
          log.debug({ ...fields, status: result.status }, 'event delivered');
        } else {
          this.lost++;
          log.error({ ...fields, err: result.error, status: result.failure.status }, 'event lost');
        }
      } catch (err) {
        this.lost++;
        log.error({ ...fields, err }, 'event lost');
      }
      this.queue.shift();
    }
  }
}
