/** Decides how long a failing key waits before its next try. */
export interface RateLimiter {
  /** The delay before retrying `key`; each call counts one more failure. */
  when(key: string): number;
  /** Clears the failure count of `key` (after a success). */
  forget(key: string): void;
  numRequeues(key: string): number;
}

/** client-go's ItemExponentialFailureRateLimiter: base × 2^failures, capped. */
export class ExponentialFailureRateLimiter implements RateLimiter {
  private readonly failures = new Map<string, number>();

  /** Defaults match client-go's controller rate limiter: 5 ms base, 1000 s cap. */
  constructor(
    private readonly baseMs = 5,
    private readonly maxMs = 1_000_000,
  ) {}

  when(key: string): number {
    const exp = this.failures.get(key) ?? 0;
    this.failures.set(key, exp + 1);
    // 2^exp overflows to Infinity past exp 1023; min() still caps it.
    return Math.min(this.baseMs * 2 ** exp, this.maxMs);
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }
}
