import { buildEvent } from '../events.js';
import { apiError } from '../errors.js';
import { EventStream } from '../event-stream.js';
import { matchesLabels } from '../label-selector.js';
import { applyJsonPatch, JsonPatchError, type JsonPatchOperation } from '../json-patch.js';
import { applyMergePatch, jsonEqual } from '../merge-patch.js';
import {
  refOf,
  type DeleteOptions,
  type EventInput,
  type KubeClient,
  type KubeObject,
  type Lease,
  type ListOptions,
  type ListResult,
  type ObjectRef,
  type ResourceRef,
  type WatchEvent,
  type WatchOptions,
} from '../types.js';

/** One call made to the fake, in order. */
export interface FakeAction {
  verb:
    | 'get'
    | 'list'
    | 'watch'
    | 'create'
    | 'update'
    | 'updateStatus'
    | 'patch'
    | 'patchStatus'
    | 'delete';
  apiVersion: string;
  kind: string;
  namespace?: string;
  name?: string;
  /** The object, patch or delete options sent. */
  body?: unknown;
}

/** Runs before an action is applied; return an error to make the call fail with it. */
export type Reactor = (action: FakeAction) => Error | undefined;

interface Watcher {
  ref: ResourceRef;
  labelSelector: string | undefined;
  stream: EventStream<WatchEvent>;
}

interface Change {
  rv: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
}

export interface FakeKubeClientOptions {
  /** Objects present from the start, stored as given (no actions recorded). */
  objects?: KubeObject[];
  now?: () => Date;
}

const readVerbs = new Set(['get', 'list', 'watch']);

/**
 * An in-memory KubeClient for table tests: it assigns uid, resourceVersion and generation
 * (bumped on changes outside metadata and status, as for CRDs with a status subresource),
 * ignores status on create/update/patch, answers 409 to a stale resourceVersion, streams
 * watches, holds objects with finalizers in deletion until the last finalizer is removed,
 * and records every action and Event. It does NOT garbage-collect owned objects, run
 * admission or validate schemas, and treats every Kind as having a status subresource.
 */
export class FakeKubeClient implements KubeClient {
  readonly actions: FakeAction[] = [];
  /** Every core/v1 Event created through createEvent. */
  readonly events: KubeObject[] = [];
  private readonly store = new Map<string, KubeObject>();
  private readonly reactors: Array<{ verb: string; kind: string; react: Reactor }> = [];
  private readonly watchers = new Set<Watcher>();
  private readonly history: Change[] = [];
  private compactedBefore = 0;
  private rv = 0;
  private uids = 0;
  private readonly now: () => Date;

  constructor(options: FakeKubeClientOptions = {}) {
    this.now = options.now ?? (() => new Date());
    for (const obj of options.objects ?? []) this.seed(obj);
  }

  /** Stores `obj` as is (filling uid/resourceVersion/generation if missing), unrecorded. */
  seed(obj: KubeObject): KubeObject {
    const copy = structuredClone(obj);
    copy.metadata.uid ??= this.nextUid();
    copy.metadata.generation ??= 1;
    copy.metadata.resourceVersion = String(++this.rv);
    this.store.set(keyOf(refOf(copy)), copy);
    return structuredClone(copy);
  }

  /** Makes calls matching `verb` and `kind` ('*' for any) go through `react` first. */
  prependReactor(verb: FakeAction['verb'] | '*', kind: string, react: Reactor): void {
    this.reactors.unshift({ verb, kind, react });
  }

  /** The recorded actions that change state (everything but get, list and watch). */
  mutations(): FakeAction[] {
    return this.actions.filter((a) => !readVerbs.has(a.verb));
  }

  clearActions(): void {
    this.actions.length = 0;
    this.events.length = 0;
  }

  /** The stored object, or undefined; not recorded as an action. */
  peek<T extends KubeObject = KubeObject>(ref: ObjectRef): T | undefined {
    const obj = this.store.get(keyOf(ref));
    return obj && (structuredClone(obj) as T);
  }

  /** Forgets history: open watches get a 410 Gone ERROR and older resourceVersions expire. */
  expireWatchHistory(): void {
    this.compactedBefore = this.rv + 1;
    this.history.length = 0;
    const gone = apiError(410, 'Expired', 'too old resource version', { verb: 'watch' });
    for (const w of this.watchers) {
      w.stream.push({ type: 'ERROR', error: gone });
      w.stream.end();
    }
  }

  /** Ends every open watch normally, as a server-side watch timeout does. */
  closeWatches(): void {
    for (const w of this.watchers) w.stream.end();
  }

  private record(action: FakeAction): void {
    this.actions.push(structuredClone(action));
    for (const { verb, kind, react } of this.reactors) {
      if ((verb === '*' || verb === action.verb) && (kind === '*' || kind === action.kind)) {
        const err = react(action);
        if (err) throw err;
      }
    }
  }

  private nextUid(): string {
    return `00000000-0000-4000-8000-${String(++this.uids).padStart(12, '0')}`;
  }

  private existing(ref: ObjectRef, verb: string): KubeObject {
    const obj = this.store.get(keyOf(ref));
    if (!obj) {
      throw apiError(404, 'NotFound', `${ref.kind.toLowerCase()} "${ref.name}" not found`, {
        verb,
        ...ref,
      });
    }
    return obj;
  }

  private checkVersion(current: KubeObject, sent: string | undefined, verb: string): void {
    if (sent !== undefined && sent !== current.metadata.resourceVersion) {
      throw apiError(
        409,
        'Conflict',
        'the object has been modified; please apply your changes to the latest version and try again',
        { verb, ...refOf(current) },
      );
    }
  }

  /** Stores `next` as the new state of an object, emitting the watch event. */
  private commit(next: KubeObject, type: Change['type']): KubeObject {
    next.metadata.resourceVersion = String(++this.rv);
    const key = keyOf(refOf(next));
    if (type === 'DELETED') this.store.delete(key);
    else this.store.set(key, next);
    const change: Change = { rv: this.rv, type, object: structuredClone(next) };
    this.history.push(change);
    for (const w of this.watchers) {
      if (matchesWatch(w, change.object)) w.stream.push({ type, object: structuredClone(next) });
    }
    return structuredClone(next);
  }

  /** Commits an update, bumping generation on spec changes and finishing finalized deletes. */
  private commitUpdate(current: KubeObject, next: KubeObject): KubeObject {
    next.metadata = {
      ...next.metadata,
      uid: current.metadata.uid,
      creationTimestamp: current.metadata.creationTimestamp,
      deletionTimestamp: current.metadata.deletionTimestamp,
      generation: current.metadata.generation,
    };
    if (!jsonEqual(withoutMetaAndStatus(current), withoutMetaAndStatus(next))) {
      next.metadata.generation = (current.metadata.generation ?? 0) + 1;
    }
    const finished = next.metadata.deletionTimestamp && !next.metadata.finalizers?.length;
    return this.commit(next, finished ? 'DELETED' : 'MODIFIED');
  }

  async get<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T> {
    this.record({ verb: 'get', ...ref });
    return structuredClone(this.existing(ref, 'get')) as T;
  }

  async list<T extends KubeObject = KubeObject>(
    ref: ResourceRef,
    options: ListOptions = {},
  ): Promise<ListResult<T>> {
    this.record({ verb: 'list', ...ref, body: options });
    const items = [...this.store.values()]
      .filter((obj) => matchesWatch({ ref, labelSelector: options.labelSelector }, obj))
      .map((obj) => structuredClone(obj) as T);
    return { items, resourceVersion: String(this.rv) };
  }

  watch<T extends KubeObject = KubeObject>(
    ref: ResourceRef,
    options: WatchOptions = {},
  ): AsyncIterable<WatchEvent<T>> {
    this.record({ verb: 'watch', ...ref, body: { resourceVersion: options.resourceVersion } });
    const watcher: Watcher = {
      ref,
      labelSelector: options.labelSelector,
      stream: new EventStream<WatchEvent>(() => this.watchers.delete(watcher)),
    };
    const from = options.resourceVersion;
    if (from === undefined || from === '' || from === '0') {
      for (const obj of this.store.values()) {
        if (matchesWatch(watcher, obj)) {
          watcher.stream.push({ type: 'ADDED', object: structuredClone(obj) });
        }
      }
    } else if (Number(from) < this.compactedBefore - 1) {
      const gone = apiError(410, 'Expired', `too old resource version: ${from}`, {
        verb: 'watch',
        ...ref,
      });
      watcher.stream.push({ type: 'ERROR', error: gone });
      watcher.stream.end();
      return watcher.stream as AsyncIterable<WatchEvent<T>>;
    } else {
      for (const c of this.history) {
        if (c.rv > Number(from) && matchesWatch(watcher, c.object)) {
          watcher.stream.push({ type: c.type, object: structuredClone(c.object) });
        }
      }
    }
    this.watchers.add(watcher);
    options.signal?.addEventListener('abort', () => watcher.stream.end(), { once: true });
    return watcher.stream as AsyncIterable<WatchEvent<T>>;
  }

  async create<T extends KubeObject>(obj: T): Promise<T> {
    const ref = refOf(obj);
    this.record({ verb: 'create', ...ref, body: obj });
    const next = structuredClone(obj) as KubeObject;
    if (!next.metadata.name && next.metadata.generateName) {
      next.metadata.name = `${next.metadata.generateName}${(this.uids + 1).toString(36)}`;
      ref.name = next.metadata.name;
    }
    if (this.store.has(keyOf(ref))) {
      throw apiError(
        409,
        'AlreadyExists',
        `${ref.kind.toLowerCase()} "${ref.name}" already exists`,
        {
          verb: 'create',
          ...ref,
        },
      );
    }
    delete next.status;
    next.metadata.uid = this.nextUid();
    next.metadata.generation = 1;
    next.metadata.creationTimestamp = this.now().toISOString();
    return this.commit(next, 'ADDED') as T;
  }

  async update<T extends KubeObject>(obj: T): Promise<T> {
    const ref = refOf(obj);
    this.record({ verb: 'update', ...ref, body: obj });
    const current = this.existing(ref, 'update');
    this.checkVersion(current, obj.metadata.resourceVersion, 'update');
    const next = structuredClone(obj) as KubeObject;
    if (current.status === undefined) delete next.status;
    else next.status = structuredClone(current.status);
    return this.commitUpdate(current, next) as T;
  }

  async updateStatus<T extends KubeObject>(obj: T): Promise<T> {
    const ref = refOf(obj);
    this.record({ verb: 'updateStatus', ...ref, body: obj });
    const current = this.existing(ref, 'updateStatus');
    this.checkVersion(current, obj.metadata.resourceVersion, 'updateStatus');
    const next = structuredClone(current);
    next.status = structuredClone(obj.status);
    return this.commit(next, 'MODIFIED') as T;
  }

  async patch<T extends KubeObject = KubeObject>(ref: ObjectRef, patch: object): Promise<T> {
    this.record({ verb: 'patch', ...ref, body: patch });
    const current = this.existing(ref, 'patch');
    const sent = (patch as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion;
    this.checkVersion(current, sent, 'patch');
    const next = applyMergePatch(current, patch) as KubeObject;
    if (current.status === undefined) delete next.status;
    else next.status = structuredClone(current.status);
    return this.commitUpdate(current, next) as T;
  }

  async patchStatus<T extends KubeObject = KubeObject>(ref: ObjectRef, patch: object): Promise<T> {
    this.record({ verb: 'patchStatus', ...ref, body: patch });
    const current = this.existing(ref, 'patchStatus');
    const next = structuredClone(current);
    // Like the status subresource: only status changes, whatever else the patch holds.
    const patched = (patch as { status?: unknown }).status;
    if (patched !== undefined) {
      next.status = applyMergePatch(current.status ?? {}, patched) as KubeObject['status'];
    }
    return this.commit(next, 'MODIFIED') as T;
  }

  async jsonPatch<T extends KubeObject = KubeObject>(
    ref: ObjectRef,
    operations: readonly JsonPatchOperation[],
  ): Promise<T> {
    this.record({ verb: 'patch', ...ref, body: operations });
    const current = this.existing(ref, 'patch');
    let next: KubeObject;
    try {
      next = applyJsonPatch(current, operations);
    } catch (err) {
      if (!(err instanceof JsonPatchError)) throw err;
      throw apiError(422, 'Invalid', `the server rejected our request: ${err.message}`, {
        verb: 'patch',
        ...ref,
      });
    }
    if (current.status === undefined) delete next.status;
    else next.status = structuredClone(current.status);
    return this.commitUpdate(current, next) as T;
  }

  async delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<void> {
    this.record({ verb: 'delete', ...ref, body: options });
    const current = this.existing(ref, 'delete');
    if (!current.metadata.finalizers?.length) {
      this.commit(structuredClone(current), 'DELETED');
      return;
    }
    if (current.metadata.deletionTimestamp) return;
    const next = structuredClone(current);
    next.metadata.deletionTimestamp = this.now().toISOString();
    next.metadata.generation = (next.metadata.generation ?? 0) + 1;
    this.commit(next, 'MODIFIED');
  }

  async createEvent(event: EventInput): Promise<KubeObject> {
    const created = await this.create(buildEvent(event, this.now()));
    this.events.push(created);
    return created;
  }

  getLease(namespace: string, name: string): Promise<Lease> {
    return this.get<Lease>({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      namespace,
      name,
    });
  }

  createLease(lease: Lease): Promise<Lease> {
    return this.create(lease);
  }

  updateLease(lease: Lease): Promise<Lease> {
    return this.update(lease);
  }
}

function keyOf(ref: ObjectRef): string {
  return `${ref.apiVersion}|${ref.kind}|${ref.namespace ?? ''}|${ref.name}`;
}

function matchesWatch(
  w: { ref: ResourceRef; labelSelector: string | undefined },
  obj: KubeObject,
): boolean {
  return (
    obj.apiVersion === w.ref.apiVersion &&
    obj.kind === w.ref.kind &&
    (!w.ref.namespace || obj.metadata.namespace === w.ref.namespace) &&
    matchesLabels(w.labelSelector, obj.metadata.labels)
  );
}

function withoutMetaAndStatus(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, ...rest } = obj;
  return rest;
}
