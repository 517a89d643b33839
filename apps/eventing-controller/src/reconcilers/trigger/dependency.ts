import type { ObjectRef } from '@knative-ts/kube';
import { DependencyAnnotation, type Condition, type Trigger } from '@knative-ts/types';
import type { References } from '../../references/references.js';

/** What the dependency check found, as the DependencyReady condition will say it. */
export type DependencyState =
  { status: 'True' } | { status: 'False' | 'Unknown'; reason: string; message: string };

type Source = {
  metadata: { generation?: number };
  status?: { observedGeneration?: number; conditions?: Condition[] };
};

/** The annotation's object reference ({kind, apiVersion, name}), or why it is unusable. */
function parseDependency(raw: string, namespace: string): ObjectRef | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    return (err as Error).message;
  }
  const o = parsed as Partial<Record<'kind' | 'apiVersion' | 'name', unknown>> | null;
  if (
    !o ||
    typeof o.kind !== 'string' ||
    typeof o.apiVersion !== 'string' ||
    typeof o.name !== 'string'
  ) {
    return 'kind, apiVersion and name are required';
  }
  return { apiVersion: o.apiVersion, kind: o.kind, name: o.name, namespace };
}

/**
 * DependencyReady as Knative's checkDependencyAnnotation decides it: no annotation →
 * True; else the Ready condition of the referenced source (same namespace), tracked so its
 * changes re-queue the trigger, once that source observed its latest generation.
 */
export async function checkDependency(
  trigger: Trigger,
  references: References,
  ownerKey: string,
): Promise<DependencyState> {
  const raw = trigger.metadata.annotations?.[DependencyAnnotation];
  if (raw === undefined) return { status: 'True' };
  const ref = parseDependency(raw, trigger.metadata.namespace ?? '');
  if (typeof ref === 'string') {
    return {
      status: 'False',
      reason: 'ReferenceError',
      message: `Unable to unmarshal objectReference from dependency annotation of trigger: ${ref}`,
    };
  }
  references.track(ref, ownerKey);
  const source = await references.get<Source & { apiVersion: string; kind: string }>(ref);
  if (!source) {
    return {
      status: 'False',
      reason: 'DependencyDoesNotExist',
      message: `Dependency does not exist: ${ref.kind.toLowerCase()}s "${ref.name}" not found`,
    };
  }
  const observed = source.status?.observedGeneration;
  if (source.metadata.generation !== observed) {
    return {
      status: 'Unknown',
      reason: 'GenerationNotEqual',
      message: `The dependency's metadata.generation, "${source.metadata.generation ?? 0}", is not equal to its status.observedGeneration, "${observed ?? 0}".`,
    };
  }
  const ready = source.status?.conditions?.find((c) => c.type === 'Ready');
  if (!ready) {
    return {
      status: 'Unknown',
      reason: 'DependencyNotConfigured',
      message: 'Dependency has not yet been reconciled.',
    };
  }
  if (ready.status === 'True') return { status: 'True' };
  return { status: ready.status, reason: ready.reason ?? '', message: ready.message ?? '' };
}
