import { parseApiVersion, type KubeObject } from '@knative-ts/kube';
import { realClock, type Clock } from './clock.js';

/** The object an owner depends on; it need not exist yet. */
export interface TrackedRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface TrackerOptions {
  /** Re-queues an owner (its work-queue key). */
  enqueue: (ownerKey: string) => void;
  /** How long a track lasts unless renewed; Knative uses 3 × the resync period. */
  leaseMs: number;
  clock?: Clock;
}

/** Versions of one group are the same objects, so tracks ignore the version. */
function refKey({ apiVersion, kind, namespace, name }: TrackedRef): string {
  return `${parseApiVersion(apiVersion).group}|${kind}|${namespace ?? ''}|${name}`;
}

/**
 * Remembers which owners depend on which objects (like knative.dev/pkg/tracker) and
 * re-queues them when a tracked object changes. Owners re-track on every reconcile, so a
 * track that is not renewed within `leaseMs` expires and the owner stops being notified.
 */
export class Tracker {
  private readonly tracks = new Map<string, Map<string, number>>();
  private readonly clock: Clock;

  constructor(private readonly options: TrackerOptions) {
    this.clock = options.clock ?? realClock;
  }

  /** Notes that `ownerKey` depends on `ref`, until the lease expires. */
  track(ref: TrackedRef, ownerKey: string): void {
    const key = refKey(ref);
    const owners = this.tracks.get(key) ?? new Map<string, number>();
    owners.set(ownerKey, this.clock.now() + this.options.leaseMs);
    this.tracks.set(key, owners);
  }

  /** Re-queues every owner still tracking `obj`; use it as an informer handler. */
  onChanged(obj: KubeObject): void {
    const key = refKey({
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name ?? '',
    });
    const owners = this.tracks.get(key);
    if (!owners) return;
    const now = this.clock.now();
    for (const [ownerKey, expiry] of owners) {
      if (expiry <= now) owners.delete(ownerKey);
      else this.options.enqueue(ownerKey);
    }
    if (owners.size === 0) this.tracks.delete(key);
  }

  /** Forgets everything `ownerKey` tracks (e.g. once the owner is deleted). */
  untrackOwner(ownerKey: string): void {
    for (const [key, owners] of this.tracks) {
      owners.delete(ownerKey);
      if (owners.size === 0) this.tracks.delete(key);
    }
  }

  /** Informer handlers that call onChanged for adds, updates and deletes. */
  handlers(): {
    onAdd: (obj: KubeObject) => void;
    onUpdate: (old: KubeObject, obj: KubeObject) => void;
    onDelete: (obj: KubeObject) => void;
  } {
    return {
      onAdd: (obj) => this.onChanged(obj),
      onUpdate: (_old, obj) => this.onChanged(obj),
      onDelete: (obj) => this.onChanged(obj),
    };
  }
}
