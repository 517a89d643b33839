import { matchesLabels, type KubeObject } from '@knative-ts/kube';
import { keyOf } from './keys.js';

/** Maps an object to the index values it is filed under. */
export type IndexFunc<T> = (obj: T) => string[];

/** An indexed in-memory store of objects, keyed `namespace/name`. */
export class Cache<T extends KubeObject> {
  private readonly items = new Map<string, T>();
  private readonly indexers = new Map<string, IndexFunc<T>>();
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor() {
    this.addIndexer('namespace', (obj) => [obj.metadata.namespace ?? '']);
  }

  /** Adds an index, e.g. Triggers by broker name; existing objects are filed at once. */
  addIndexer(name: string, fn: IndexFunc<T>): void {
    this.indexers.set(name, fn);
    this.indices.set(name, new Map());
    for (const [key, obj] of this.items) this.file(name, fn, key, obj);
  }

  get(namespace: string, name: string): T | undefined {
    return this.items.get(namespace ? `${namespace}/${name}` : name);
  }

  getByKey(key: string): T | undefined {
    return this.items.get(key);
  }

  /** Every object, or those of one namespace. */
  list(namespace?: string): T[] {
    return namespace === undefined
      ? [...this.items.values()]
      : this.byIndex('namespace', namespace);
  }

  /** Objects whose labels match an equality-based selector such as `a=b,!c`. */
  listByLabels(selector: string, namespace?: string): T[] {
    return this.list(namespace).filter((obj) => matchesLabels(selector, obj.metadata.labels));
  }

  /** Objects filed under `value` in index `name`. */
  byIndex(name: string, value: string): T[] {
    const keys = this.indices.get(name)?.get(value) ?? new Set<string>();
    return [...keys].flatMap((key) => this.items.get(key) ?? []);
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  /** Stores `obj`; returns the object it replaced. */
  set(obj: T): T | undefined {
    const key = keyOf(obj);
    const old = this.remove(key);
    this.items.set(key, obj);
    for (const [name, fn] of this.indexers) this.file(name, fn, key, obj);
    return old;
  }

  /** Removes the object under `key`; returns it. */
  remove(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.items.delete(key);
    for (const [name, fn] of this.indexers) {
      const index = this.indices.get(name);
      for (const value of fn(old)) index?.get(value)?.delete(key);
    }
    return old;
  }

  private file(name: string, fn: IndexFunc<T>, key: string, obj: T): void {
    const index = this.indices.get(name);
    if (!index) return;
    for (const value of fn(obj)) {
      const keys = index.get(value) ?? new Set<string>();
      keys.add(key);
      index.set(value, keys);
    }
  }
}
