/**
 * A cache of one entry, keyed by object identity, for what a fan-out derives from one event
 * or one request's headers: the first subscriber's dispatch makes it and the others, which
 * are dispatched one after another in the same tick, reuse it.
 *
 * Not a WeakMap, although that reads the same: an entry per event in a WeakMap costs the
 * garbage collector more than the work it saves. V8 keeps a WeakMap's table in the old
 * generation, and every new key grows it until a full collection clears the dead ones, so
 * per-event entries turn a dispatcher's short-lived garbage into old-generation garbage.
 * Measured on imc-dispatcher under closed-loop load (fan-out 1, 32 in flight, 10 s) with
 * its four per-event WeakMaps: 48 mark-compacts instead of 10, p99 8.9 ms instead of 4.6,
 * and 8 % more CPU per event.
 *
 * The last key and value stay referenced until the next `set`: one event per cache at most.
 */
export class LastEntryCache<K extends object, V> {
  private key: K | undefined;
  private value: V | undefined;

  get(key: K): V | undefined {
    return key === this.key ? this.value : undefined;
  }

  set(key: K, value: V): void {
    this.key = key;
    this.value = value;
  }
}
