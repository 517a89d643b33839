import { isGone, type KubeClient, type KubeObject, type ResourceRef } from '@knative-ts/kube';
import { Cache } from './cache.js';
import { realClock, sleep, type Clock, type TimerHandle } from './clock.js';
import { keyOf } from './keys.js';
import { silentLogger, type Logger } from './logger.js';
import { cachedStrings } from './string-interner.js';

/** Callbacks for changes seen by an informer. */
export interface EventHandlers<T> {
  onAdd?(obj: T): void;
  /** Also called with `old === obj` contents on every resync. */
  onUpdate?(old: T, obj: T): void;
  onDelete?(obj: T): void;
}

export interface InformerOptions {
  client: KubeClient;
  apiVersion: string;
  kind: string;
  /** Watch one namespace; all namespaces when omitted. */
  namespace?: string;
  labelSelector?: string;
  /** Re-deliver every cached object as an update this often; 0 disables (default 10 h, like Knative). */
  resyncMs?: number;
  /** Server-side timeout of each watch request (default 300 s). */
  watchTimeoutSeconds?: number;
  /** Backoff after a failed list or watch: doubles from `initialMs` to `maxMs`. */
  backoff?: { initialMs: number; maxMs: number };
  clock?: Clock;
  logger?: Logger;
}

/** Resolves on the next macrotask, so a watch that keeps ending cannot starve the event loop. */
const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Lists then watches one resource type, keeping an indexed cache and calling handlers.
 * Re-lists on 410 Gone, retries with backoff on errors and resyncs periodically.
 */
export class Informer<T extends KubeObject = KubeObject> {
  readonly cache = new Cache<T>();
  private readonly handlers: EventHandlers<T>[] = [];
  private readonly ref: ResourceRef;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly abort = new AbortController();
  private synced = false;
  private syncWaiters: Array<() => void> = [];
  private loop: Promise<void> | undefined;
  private resyncTimer: TimerHandle | undefined;

  constructor(private readonly options: InformerOptions) {
    const { apiVersion, kind, namespace } = options;
    this.ref = namespace ? { apiVersion, kind, namespace } : { apiVersion, kind };
    this.clock = options.clock ?? realClock;
    this.log = options.logger ?? silentLogger;
  }

  get apiVersion(): string {
    return this.ref.apiVersion;
  }

  get kind(): string {
    return this.ref.kind;
  }

  /** Adds handlers; once synced, `onAdd` is called at once for every cached object. */
  addEventHandler(handlers: EventHandlers<T>): void {
    this.handlers.push(handlers);
    if (this.synced) for (const obj of this.cache.list()) this.call('onAdd', handlers, [obj]);
  }

  /** Starts listing and watching (idempotent). */
  start(): void {
    this.loop ??= this.run();
  }

  /** Stops watching and resyncing. */
  async stop(): Promise<void> {
    this.abort.abort();
    if (this.resyncTimer !== undefined) this.clock.clearTimeout(this.resyncTimer);
    for (const wake of this.syncWaiters.splice(0)) wake();
    await this.loop;
  }

  /** Whether the first list has been loaded into the cache. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves once synced (or stopped). */
  waitForSync(): Promise<void> {
    if (this.synced || this.abort.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  private async run(): Promise<void> {
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 800, maxMs: 30_000 };
    let delay = initialMs;
    while (!this.abort.signal.aborted) {
      try {
        const resourceVersion = await this.relist();
        delay = initialMs;
        await this.watchFrom(resourceVersion);
      } catch (err) {
        if (this.abort.signal.aborted) break;
        this.log.warn({ err, kind: this.ref.kind, delayMs: delay }, 'list or watch failed');
        await sleep(this.clock, delay, this.abort.signal);
        delay = Math.min(delay * 2, maxMs);
      }
    }
  }

  /** Lists, replaces the cache (delivering adds, updates and deletes) and returns the rv. */
  private async relist(): Promise<string> {
    const { items, resourceVersion } = await this.options.client.list<T>(this.ref, {
      labelSelector: this.options.labelSelector,
    });
    const seen = new Set<string>();
    for (const item of items) {
      seen.add(keyOf(item));
      this.upsert(item);
    }
    for (const key of this.cache.keys()) {
      if (seen.has(key)) continue;
      const old = this.cache.remove(key);
      if (old) this.dispatch('onDelete', [old]);
    }
    if (!this.synced) {
      this.synced = true;
      for (const wake of this.syncWaiters.splice(0)) wake();
      this.scheduleResync();
    }
    this.log.debug({ kind: this.ref.kind, count: items.length, resourceVersion }, 'listed');
    return resourceVersion;
  }

  /** Watches until the stream asks for a re-list (410 Gone) or fails. */
  private async watchFrom(resourceVersion: string): Promise<void> {
    let rv = resourceVersion;
    while (!this.abort.signal.aborted) {
      const events = this.options.client.watch<T>(this.ref, {
        resourceVersion: rv,
        labelSelector: this.options.labelSelector,
        timeoutSeconds: this.options.watchTimeoutSeconds ?? 300,
        signal: this.abort.signal,
      });
      try {
        for await (const event of events) {
          if (event.type === 'ERROR') throw event.error;
          if (event.type === 'BOOKMARK') {
            rv = event.resourceVersion || rv;
            continue;
          }
          rv = event.object.metadata.resourceVersion ?? rv;
          if (event.type === 'DELETED') {
            const old = this.cache.remove(keyOf(event.object));
            this.dispatch('onDelete', [old ?? event.object]);
          } else {
            this.upsert(event.object);
          }
        }
      } catch (err) {
        if (!isGone(err)) throw err;
        this.log.info({ kind: this.ref.kind, resourceVersion: rv }, 'watch expired, re-listing');
        return;
      }
      await nextTick();
    }
  }

  private upsert(obj: T): void {
    withoutManagedFields(obj);
    cachedStrings.internAll(obj);
    const old = this.cache.set(obj);
    if (!old) this.dispatch('onAdd', [obj]);
    else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) {
      this.dispatch('onUpdate', [old, obj]);
    }
  }

  private scheduleResync(): void {
    const every = this.options.resyncMs ?? 10 * 60 * 60 * 1000;
    if (every <= 0 || this.abort.signal.aborted) return;
    this.resyncTimer = this.clock.setTimeout(() => {
      for (const obj of this.cache.list()) this.dispatch('onUpdate', [obj, obj]);
      this.scheduleResync();
    }, every);
  }

  private dispatch<K extends keyof EventHandlers<T>>(
    which: K,
    args: Parameters<NonNullable<EventHandlers<T>[K]>>,
  ): void {
    for (const handlers of this.handlers) this.call(which, handlers, args);
  }

  private call<K extends keyof EventHandlers<T>>(
    which: K,
    handlers: EventHandlers<T>,
    args: Parameters<NonNullable<EventHandlers<T>[K]>>,
  ): void {
    try {
      (handlers[which] as ((...a: unknown[]) => void) | undefined)?.(...args);
    } catch (err) {
      // One faulty handler must not stop the informer or the other handlers.
      this.log.error({ err, kind: this.ref.kind, handler: which }, 'event handler threw');
    }
  }
}

/**
 * Drops `metadata.managedFields` from an object entering the cache (client-go's
 * TransformStripManagedFields): no reconciler reads it, an update that leaves it out keeps
 * the server's, and it is often the largest part of an object: on a channel with 1,000
 * subscribers it lists every entry's fields once per writer.
 */
function withoutManagedFields(obj: KubeObject): void {
  const metadata = obj.metadata as KubeObject['metadata'] & { managedFields?: unknown };
  if (metadata.managedFields !== undefined) delete metadata.managedFields;
}
