/**
 * Replica coordination: before firing a tick, a replica claims it in the shared store with
 * `SET ping:<uid>:<scheduled time> <owner> NX PX <ttl>`; only the replica whose SET
 * succeeded fires. Knative's mtping runs one leader instead; a per-tick claim lets every
 * replica take part and a tick survive a replica that dies between ticks.
 */

/** Decides which replica fires a tick. */
export interface TickClaims {
  /** True when this replica owns the tick of source `uid` scheduled at `scheduledMs`. */
  claim(uid: string, scheduledMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** The subset of an ioredis client the claims need (a fake store in tests). */
export interface ClaimStore {
  set(key: string, value: string, px: 'PX', ttlMs: number, nx: 'NX'): Promise<'OK' | null>;
  quit(): Promise<unknown>;
}

/** The key of one tick: source uid and scheduled instant, the same on every replica. */
export function tickKey(uid: string, scheduledMs: number): string {
  return `ping:${uid}:${new Date(scheduledMs).toISOString()}`;
}

/** Claims ticks in a shared store (Redis). */
export class StoreTickClaims implements TickClaims {
  constructor(
    private readonly store: ClaimStore,
    private readonly owner: string,
    private readonly ttlMs: number,
  ) {}

  async claim(uid: string, scheduledMs: number): Promise<boolean> {
    const reply = await this.store.set(
      tickKey(uid, scheduledMs),
      this.owner,
      'PX',
      this.ttlMs,
      'NX',
    );
    return reply === 'OK';
  }

  async close(): Promise<void> {
    await this.store.quit();
  }
}

/** A lone replica owns every tick. */
export const soleReplicaClaims: TickClaims = {
  claim: () => Promise.resolve(true),
  close: () => Promise.resolve(),
};
