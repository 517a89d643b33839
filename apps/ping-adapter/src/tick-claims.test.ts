import { soleReplicaClaims, StoreTickClaims, tickKey, type ClaimStore } from './tick-claims.js';

/** An in-memory SET NX PX with a manual clock. */
class FakeStore implements ClaimStore {
  readonly keys = new Map<string, { value: string; expires: number }>();
  readonly calls: unknown[][] = [];
  now = 0;
  quitCalled = false;

  set(key: string, value: string, px: 'PX', ttlMs: number, nx: 'NX'): Promise<'OK' | null> {
    this.calls.push([key, value, px, ttlMs, nx]);
    const held = this.keys.get(key);
    if (held !== undefined && held.expires > this.now) return Promise.resolve(null);
    this.keys.set(key, { value, expires: this.now + ttlMs });
    return Promise.resolve('OK');
  }

  quit(): Promise<unknown> {
    this.quitCalled = true;
    return Promise.resolve('OK');
  }
}

const T = Date.parse('2025-01-01T00:00:02.000Z');

describe('tick claims', () => {
  it('keys a tick by source uid and scheduled instant', () => {
    expect(tickKey('uid-1', T)).toBe('ping:uid-1:2025-01-01T00:00:02.000Z');
  });

  it('lets exactly one replica own each tick', async () => {
    const store = new FakeStore();
    const a = new StoreTickClaims(store, 'a', 60_000);
    const b = new StoreTickClaims(store, 'b', 60_000);
    expect(await a.claim('uid-1', T)).toBe(true);
    expect(await b.claim('uid-1', T)).toBe(false);
    // Another tick, another source: independent claims.
    expect(await b.claim('uid-1', T + 2_000)).toBe(true);
    expect(await b.claim('uid-2', T)).toBe(true);
    expect(store.keys.get(tickKey('uid-1', T))?.value).toBe('a');
    expect(store.calls[0]).toEqual([tickKey('uid-1', T), 'a', 'PX', 60_000, 'NX']);
  });

  it('frees a claim once its time to live has passed', async () => {
    const store = new FakeStore();
    const a = new StoreTickClaims(store, 'a', 1_000);
    expect(await a.claim('uid-1', T)).toBe(true);
    store.now = 1_001;
    expect(await new StoreTickClaims(store, 'b', 1_000).claim('uid-1', T)).toBe(true);
  });

  it('closes the store', async () => {
    const store = new FakeStore();
    await new StoreTickClaims(store, 'a', 1_000).close();
    expect(store.quitCalled).toBe(true);
  });

  it('lets a lone replica own everything', async () => {
    expect(await soleReplicaClaims.claim('uid-1', T)).toBe(true);
  });
});
