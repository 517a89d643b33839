import {
  isNotFound,
  parseApiVersion,
  type KubeClient,
  type KubeObject,
  type ObjectRef,
  type ResourceRef,
} from '@knative-ts/kube';
import type { ChangeFilter } from '@knative-ts/reconciler';

/**
 * How reconcilers read the objects they depend on, and ask to be re-queued when those
 * change. Production reads informer caches (see DynamicInformers); unit tests read a
 * FakeKubeClient directly (see liveReferences).
 */
export interface References {
  /** The object, or undefined when it does not exist; other failures throw. */
  get<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T | undefined>;
  /** Objects of a type (in `ref.namespace` when set) matching an equality label selector. */
  list<T extends KubeObject = KubeObject>(ref: ResourceRef, labelSelector?: string): Promise<T[]>;
  /**
   * Re-queue `ownerKey` whenever the object `ref` changes (or appears); with `relevant`,
   * only on the updates it accepts.
   */
  track(ref: ObjectRef, ownerKey: string, relevant?: ChangeFilter): void;
}

/** `group/kind|ns/name`, version-free like the Tracker's keys, for logs and test assertions. */
export function describeRef(ref: ObjectRef): string {
  const { group } = parseApiVersion(ref.apiVersion);
  const target = ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
  return `${ref.kind}${group ? `.${group}` : ''} ${target}`;
}

/** References read straight from a client; `tracked` lists every track call (for tests). */
export function liveReferences(client: KubeClient): References & { tracked: string[] } {
  const tracked: string[] = [];
  return {
    tracked,
    async get<T extends KubeObject>(ref: ObjectRef): Promise<T | undefined> {
      try {
        return await client.get<T>(ref);
      } catch (err) {
        // Absent is an answer here, not a failure; callers decide what absence means.
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    async list<T extends KubeObject>(ref: ResourceRef, labelSelector?: string): Promise<T[]> {
      return (await client.list<T>(ref, labelSelector ? { labelSelector } : {})).items;
    },
    track(ref: ObjectRef, ownerKey: string): void {
      tracked.push(`${describeRef(ref)} <- ${ownerKey}`);
    },
  };
}
