import { realClock, type Clock, type TimerHandle } from './clock.js';
import { ExponentialFailureRateLimiter, type RateLimiter } from './rate-limiter.js';

export interface WorkQueueOptions {
  clock?: Clock;
  rateLimiter?: RateLimiter;
}

/**
 * A de-duplicating work queue of keys, like client-go's: a key added while queued is kept
 * once; a key added while being processed is queued again when `done` is called, so one
 * key is never processed by two workers at once.
 */
export class WorkQueue {
  private readonly queue: string[] = [];
  /** Keys that need processing (queued, or to be re-queued after processing). */
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly delayed = new Map<TimerHandle, string>();
  private readonly waiters: Array<() => void> = [];
  private drained: (() => void) | undefined;
  private shuttingDown = false;
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter;

  constructor(options: WorkQueueOptions = {}) {
    this.clock = options.clock ?? realClock;
    this.rateLimiter = options.rateLimiter ?? new ExponentialFailureRateLimiter();
  }

  /** Queues `key` unless it is already waiting; ignored after shutDown. */
  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.queue.push(key);
    this.waiters.shift()?.();
  }

  /** Queues `key` after `ms` milliseconds. */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(key);
    const handle = this.clock.setTimeout(() => {
      this.delayed.delete(handle);
      this.add(key);
    }, ms);
    this.delayed.set(handle, key);
  }

  /** Queues `key` after its rate limiter's delay (one more failure counted). */
  addRateLimited(key: string): void {
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** Resets the failure count of `key`; call after it was processed successfully. */
  forget(key: string): void {
    this.rateLimiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.rateLimiter.numRequeues(key);
  }

  /** Number of keys waiting to be handed out. */
  len(): number {
    return this.queue.length;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** The next key to process (blocking), or undefined once the queue shuts down. */
  async get(): Promise<string | undefined> {
    for (;;) {
      if (this.shuttingDown) return undefined;
      const key = this.queue.shift();
      if (key !== undefined) {
        this.dirty.delete(key);
        this.processing.add(key);
        return key;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Marks `key` processed; re-queues it if it was added meanwhile. */
  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key) && !this.shuttingDown) {
      this.queue.push(key);
      this.waiters.shift()?.();
    }
    if (this.processing.size === 0) this.drained?.();
  }

  /**
   * Runs `workers` loops handing keys to `handler`; resolves when all have stopped.
   * `handler` should not throw: a throw goes to `onError` and the worker continues.
   */
  async run(
    workers: number,
    handler: (key: string) => Promise<void>,
    onError: (err: unknown, key: string) => void,
  ): Promise<void> {
    const worker = async (): Promise<void> => {
      for (let key = await this.get(); key !== undefined; key = await this.get()) {
        try {
          await handler(key);
        } catch (err) {
          onError(err, key);
        } finally {
          this.done(key);
        }
      }
    };
    await Promise.all(Array.from({ length: workers }, worker));
  }

  /**
   * Stops handing out keys and drops queued and delayed ones (a restarted controller
   * re-lists everything), then waits for keys being processed to finish.
   */
  async shutDown(): Promise<void> {
    this.shuttingDown = true;
    for (const handle of this.delayed.keys()) this.clock.clearTimeout(handle);
    this.delayed.clear();
    this.queue.length = 0;
    this.dirty.clear();
    for (const wake of this.waiters.splice(0)) wake();
    if (this.processing.size > 0) {
      await new Promise<void>((resolve) => (this.drained = resolve));
    }
  }
}
