import type { KubeObject } from '@knative-ts/kube';
import { matchesLabelSelector, type SinkBindingSubject } from '@knative-ts/types';
import type { References } from '../../references/references.js';

const CronJob = { apiVersion: 'batch/v1', kind: 'CronJob' } as const;

/** Labels a CronJob gives the Jobs it creates (its job template's). */
function jobTemplateLabels(obj: KubeObject): Record<string, string> | undefined {
  const spec = obj.spec as { jobTemplate?: { metadata?: { labels?: Record<string, string> } } };
  return spec?.jobTemplate?.metadata?.labels;
}

/** Whether a binding selects Jobs by label (the Knative docs' CronJob example). */
function selectsJobs(subject: SinkBindingSubject): boolean {
  return subject.apiVersion === 'batch/v1' && subject.kind === 'Job' && !subject.name;
}

const ownedByCronJob = (obj: KubeObject): boolean =>
  (obj.metadata.ownerReferences ?? []).some((o) => o.kind === 'CronJob' && o.controller);

/**
 * The objects a binding writes to: its one named subject (absent: `missing`), or every
 * object its selector picks. A Job's pod template is immutable, and without an admission
 * webhook nothing can change it between creation and start; so a binding that selects Jobs
 * by label writes to the CronJobs whose job template carries those labels (every Job they
 * create then starts bound) and leaves the Jobs those CronJobs already created alone.
 */
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
  const picked = all.filter((o) => matchesLabelSelector(subject.selector, o.metadata.labels));
  if (!selectsJobs(subject)) return { objects: picked };
  const cronJobs = await references.list({ ...CronJob, namespace });
  return {
    objects: [
      ...cronJobs.filter((c) => matchesLabelSelector(subject.selector, jobTemplateLabels(c))),
      ...picked.filter((job) => !ownedByCronJob(job)),
    ],
  };
}

/** Whether `obj` is (or would be) written to by a binding with `subject`. */
export function isSubject(subject: SinkBindingSubject | undefined, obj: KubeObject): boolean {
  if (!subject) return false;
  if ((subject.namespace ?? '') !== (obj.metadata.namespace ?? '')) return false;
  if (selectsJobs(subject) && obj.apiVersion === CronJob.apiVersion && obj.kind === CronJob.kind) {
    return matchesLabelSelector(subject.selector, jobTemplateLabels(obj));
  }
  if (subject.apiVersion !== obj.apiVersion || subject.kind !== obj.kind) return false;
  if (subject.name) return subject.name === obj.metadata.name;
  return matchesLabelSelector(subject.selector, obj.metadata.labels);
}
