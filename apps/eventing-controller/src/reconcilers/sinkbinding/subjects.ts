import type { KubeObject } from '@knative-ts/kube';
import { matchesLabelSelector, type SinkBindingSubject } from '@knative-ts/types';
import type { References } from '../../references/references.js';

/** The subjects a binding names: its one named object (absent: []), or every selected one. */
export async function findSubjects(
  references: References,
  subject: SinkBindingSubject,
  ownerKey: string,
): Promise<{ objects: KubeObject[]; missing?: string }> {
  const { apiVersion, kind, namespace = '' } = subject;
  if (subject.name) {
    const ref = { apiVersion, kind, namespace, name: subject.name };
    // A subject created after its binding is bound as soon as it appears.
    references.track(ref, ownerKey);
    const obj = await references.get(ref);
    if (obj) return { objects: [obj] };
    return { objects: [], missing: `${kind} ${namespace}/${subject.name} not found` };
  }
  const all = await references.list({ apiVersion, kind, namespace });
  return { objects: all.filter((o) => matchesLabelSelector(subject.selector, o.metadata.labels)) };
}

/** Whether `obj` is (or would be) a subject of a binding with `subject`. */
export function isSubject(subject: SinkBindingSubject | undefined, obj: KubeObject): boolean {
  if (!subject) return false;
  if (subject.apiVersion !== obj.apiVersion || subject.kind !== obj.kind) return false;
  if ((subject.namespace ?? '') !== (obj.metadata.namespace ?? '')) return false;
  if (subject.name) return subject.name === obj.metadata.name;
  return matchesLabelSelector(subject.selector, obj.metadata.labels);
}
