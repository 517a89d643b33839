import type { JsonPatchOperation } from './json-patch.js';
import type { KubeError } from './errors.js';

// Object metadata is part of the shared API vocabulary; the kube client only moves it.
import type { ObjectMeta, OwnerReference } from '@knative-ts/types';

export type { ObjectMeta, OwnerReference };

/** An unstructured Kubernetes object; typed Kinds are structurally compatible with it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: unknown;
  status?: unknown;
}

/** Addresses a resource type, optionally limited to one namespace. */
export interface ResourceRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
}

/** Addresses one object. Cluster-scoped objects have no namespace. */
export interface ObjectRef extends ResourceRef {
  name: string;
}

export interface ListOptions {
  /** Equality- and set-free selector, e.g. `app=x,tier!=db,!legacy`. */
  labelSelector?: string;
}

export interface ListResult<T extends KubeObject = KubeObject> {
  items: T[];
  /** The list's resourceVersion, to start a watch from. */
  resourceVersion: string;
}

export interface WatchOptions extends ListOptions {
  /** Start after this resourceVersion (from a list or the last event seen). */
  resourceVersion?: string;
  /** Ends the watch; the iterator then finishes without error. */
  signal?: AbortSignal;
  /** Server-side timeout of one watch request, after which the stream ends normally. */
  timeoutSeconds?: number;
}

/** One watch event. ERROR carries a KubeError; `error.status === 410` means re-list. */
export type WatchEvent<T extends KubeObject = KubeObject> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: T }
  | { type: 'BOOKMARK'; resourceVersion: string }
  | { type: 'ERROR'; error: KubeError };

export type PropagationPolicy = 'Foreground' | 'Background' | 'Orphan';

export interface DeleteOptions {
  propagationPolicy?: PropagationPolicy;
}

/** What a controller reports about an object; becomes a core/v1 Event. */
export interface EventInput {
  involvedObject: KubeObject;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** The reporting component, e.g. `eventing-controller`. */
  component: string;
  /** How many times it occurred (default 1): repeats recorded as one Event. */
  count?: number;
}

/** A coordination.k8s.io/v1 Lease. */
export interface Lease extends KubeObject {
  spec?: {
    holderIdentity?: string | null;
    leaseDurationSeconds?: number;
    acquireTime?: string | null;
    renewTime?: string | null;
    leaseTransitions?: number;
  };
}

/** Kubernetes API access on unstructured objects. Every method throws KubeError. */
export interface KubeClient {
  get<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T>;
  list<T extends KubeObject = KubeObject>(
    ref: ResourceRef,
    options?: ListOptions,
  ): Promise<ListResult<T>>;
  /** Streams changes after `resourceVersion`; stop it with `signal`. */
  watch<T extends KubeObject = KubeObject>(
    ref: ResourceRef,
    options?: WatchOptions,
  ): AsyncIterable<WatchEvent<T>>;
  create<T extends KubeObject>(obj: T): Promise<T>;
  /** Replaces the object; fails with 409 when metadata.resourceVersion is stale. */
  update<T extends KubeObject>(obj: T): Promise<T>;
  /** Replaces only the status, through the status subresource. */
  updateStatus<T extends KubeObject>(obj: T): Promise<T>;
  /** Applies a JSON merge patch (RFC 7386). */
  patch<T extends KubeObject = KubeObject>(ref: ObjectRef, patch: object): Promise<T>;
  /**
   * Applies a JSON merge patch to the status subresource, without a precondition: for a
   * writer that owns one status field (a dispatcher's `status.subscribers`) and must not
   * conflict with, or carry, the rest of a large object.
   */
  patchStatus<T extends KubeObject = KubeObject>(ref: ObjectRef, patch: object): Promise<T>;
  /**
   * Applies a JSON Patch (RFC 6902), all or nothing; a failed `test` operation is answered
   * 422 (isInvalid). A `test` of metadata.generation makes a spec write conditional on the
   * spec read, without conflicting with status writes as a resourceVersion would.
   */
  jsonPatch<T extends KubeObject = KubeObject>(
    ref: ObjectRef,
    operations: readonly JsonPatchOperation[],
  ): Promise<T>;
  delete(ref: ObjectRef, options?: DeleteOptions): Promise<void>;
  /** Creates a core/v1 Event about `involvedObject`. */
  createEvent(event: EventInput): Promise<KubeObject>;
  getLease(namespace: string, name: string): Promise<Lease>;
  createLease(lease: Lease): Promise<Lease>;
  updateLease(lease: Lease): Promise<Lease>;
}

/** The reference of an existing object. */
export function refOf(obj: KubeObject): ObjectRef {
  const { apiVersion, kind, metadata } = obj;
  const ref: ObjectRef = { apiVersion, kind, name: metadata.name ?? '' };
  if (metadata.namespace) ref.namespace = metadata.namespace;
  return ref;
}

/** Splits `group/version` (or `v1` for the core group). */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}
