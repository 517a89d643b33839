import { jsonEqual, type KubeObject } from '@knative-ts/kube';
import { keepTransitionTimes, type Condition } from '@knative-ts/types';

/** Whether two statuses are the same JSON (key order and undefined fields ignored). */
export function statusEqual(a: unknown, b: unknown): boolean {
  return jsonEqual(a ?? {}, b ?? {});
}

/** Sets status.observedGeneration to metadata.generation, creating status if needed. */
export function setObservedGeneration(obj: KubeObject): void {
  const status = (typeof obj.status === 'object' && obj.status !== null ? obj.status : {}) as {
    observedGeneration?: number;
  };
  if (obj.metadata.generation !== undefined) status.observedGeneration = obj.metadata.generation;
  obj.status = status;
}

/** Whether reconciling changed the status, so it must be written. */
export function statusChanged(before: KubeObject, after: KubeObject): boolean {
  return !statusEqual(before.status, after.status);
}

type WithConditions = { conditions?: Condition[] } | undefined;

/**
 * Whether reconciling changed the status, so it must be written; conditions that ended as
 * they started keep their transition time first (keepTransitionTimes), so a reconcile
 * that changes nothing writes nothing.
 */
export function statusChangedByReconcile(before: KubeObject, after: KubeObject): boolean {
  keepTransitionTimes(
    (before.status as WithConditions)?.conditions,
    (after.status as WithConditions)?.conditions,
  );
  return statusChanged(before, after);
}
