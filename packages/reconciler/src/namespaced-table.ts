/**
 * What a data-plane app derives from each watched object (a compiled trigger, a broker's
 * channel address), kept by `namespace/name` and fed by an informer's event handlers.
 */
export class NamespacedTable<E extends { namespace: string; name: string }> {
  private readonly entries = new Map<string, E>();

  /** The entry of the object `namespace/name`, if it is loaded. */
  get(namespace: string, name: string): E | undefined {
    return this.entries.get(`${namespace}/${name}`);
  }

  /** Adds or replaces the entry of its object. */
  set(entry: E): void {
    this.entries.set(`${entry.namespace}/${entry.name}`, entry);
  }

  /** Forgets the object `namespace/name`. */
  delete(namespace: string, name: string): void {
    this.entries.delete(`${namespace}/${name}`);
  }

  get size(): number {
    return this.entries.size;
  }
}
