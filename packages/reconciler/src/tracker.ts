import { parseApiVersion, type KubeObject } from '@knative-ts/kube';
import { realClock, type Clock } from './clock.js';

/** The object an owner depends on; it need not exist yet. */
export interface TrackedRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/**
 * Whether an update of a tracked object (from `old` to `obj`) concerns one owner. Without
 * one, every update re-queues the owner.
 */
export type ChangeFilter = (old: KubeObject, obj: KubeObject) => boolean;

interface Track {
  expiry: number;
  relevant?: ChangeFilter;
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
  private readonly tracks = new Map<string, Map<string, Track>>();
  private readonly clock: Clock;

  constructor(private readonly options: TrackerOptions) {
    this.clock = options.clock ?? realClock;
  }

  /**
   * Notes that `ownerKey` depends on `ref`, until the lease expires; with `relevant`, only
   * the updates it accepts re-queue the owner (adds and deletes always do).
   */
  track(ref: TrackedRef, ownerKey: string, relevant?: ChangeFilter): void {
    const key = refKey(ref);
    const owners = this.tracks.get(key) ?? new Map<string, Track>();
    const expiry = this.clock.now() + this.options.leaseMs;
    owners.set(ownerKey, relevant ? { expiry, relevant } : { expiry });
    this.tracks.set(key, owners);
  }

  /**
   * Re-queues every owner still tracking `obj`; use it as an informer handler. `old` is the
   * object before an update, for the owners' change filters.
   */
  onChanged(obj: KubeObject, old?: KubeObject): void {
    const key = refKey({
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name ?? '',
    });
    const owners = this.tracks.get(key);
    if (!owners) return;
    const now = this.clock.now();
    for (const [ownerKey, { expiry, relevant }] of owners) {
      if (expiry <= now) owners.delete(ownerKey);
      else if (!old || !relevant || relevant(old, obj)) this.options.enqueue(ownerKey);
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
      onUpdate: (old, obj) => this.onChanged(obj, old),
      onDelete: (obj) => this.onChanged(obj),
    };
  }
}
