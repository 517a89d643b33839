/**
 * Backpressure for event receivers: a process-wide budget of events in flight (received
 * and not yet answered, plus async fan-outs still running) in count and bytes. Past it the
 * receiver answers 503 with Retry-After instead of queueing: senders retry later (Knative's
 * senders retry 503), memory stays bounded however slow a subscriber is, and nothing that
 * was answered 202 is dropped to make room.
 */
import type { ServerResponse } from 'node:http';

export interface AdmissionLimits {
  /** Most events in flight at once. */
  maxEvents: number;
  /** Most bytes of event bodies in flight at once. */
  maxBytes: number;
  /** Seconds a refused sender is asked to wait (`Retry-After`). */
  retryAfterSeconds: number;
}

/** A place in the budget; release it exactly once when the event is done. */
export interface AdmissionTicket {
  release(): void;
}

export class Admission {
  private events = 0;
  private bytes = 0;
  private refusedCount = 0;

  constructor(readonly limits: AdmissionLimits) {}

  /** A ticket for an event of `size` bytes, or undefined when the budget is spent. */
  tryAdmit(size: number): AdmissionTicket | undefined {
    const { maxEvents, maxBytes } = this.limits;
    // One event always fits an empty budget, whatever its size (the body limit bounds it).
    const fits = this.events === 0 || (this.events < maxEvents && this.bytes + size <= maxBytes);
    if (!fits) {
      this.refusedCount++;
      return undefined;
    }
    this.events++;
    this.bytes += size;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.events--;
        this.bytes -= size;
      },
    };
  }

  /** Events and bytes in flight now, and how many were refused since start. */
  get usage(): { events: number; bytes: number; refused: number } {
    return { events: this.events, bytes: this.bytes, refused: this.refusedCount };
  }
}

/** The answer for a refused event: 503, Retry-After, and why. */
export function writeOverloaded(res: ServerResponse, limits: AdmissionLimits): void {
  const body = 'too many events in flight; retry later';
  res.writeHead(503, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'retry-after': String(limits.retryAfterSeconds),
  });
  res.end(body);
}
