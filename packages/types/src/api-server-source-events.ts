import type { ApiServerSourceMode } from './api-server-source.js';

/** CloudEvent types of an ApiServerSource (eventing `pkg/apis/sources/constants.go`). */
export const ApiServerSourceEventTypes = {
  /** Resource mode: the whole object as data. */
  Add: 'dev.knative.apiserver.resource.add',
  Update: 'dev.knative.apiserver.resource.update',
  Delete: 'dev.knative.apiserver.resource.delete',
  /** Reference mode: an ObjectReference {apiVersion, kind, name, namespace} as data. */
  AddRef: 'dev.knative.apiserver.ref.add',
  UpdateRef: 'dev.knative.apiserver.ref.update',
  DeleteRef: 'dev.knative.apiserver.ref.delete',
} as const;

/**
 * The event types a source in `mode` emits, in Knative's order: what `status.ceAttributes`
 * advertises, and the list an event registry registers EventTypes from.
 */
export function apiServerSourceEventTypes(mode: ApiServerSourceMode): string[] {
  const t = ApiServerSourceEventTypes;
  return mode === 'Resource' ? [t.Add, t.Update, t.Delete] : [t.AddRef, t.UpdateRef, t.DeleteRef];
}

/** Which change of a watched object an event reports. */
export type ApiServerChange = 'add' | 'update' | 'delete';

/** The type of the event reporting `change` in `mode`. */
export function apiServerSourceEventType(
  mode: ApiServerSourceMode,
  change: ApiServerChange,
): string {
  return `dev.knative.apiserver.${mode === 'Resource' ? 'resource' : 'ref'}.${change}`;
}

/** Kinds whose lower-cased name is already plural (apimachinery `unpluralizedSuffixes`). */
const unpluralizedSuffixes = ['endpoints'];

/**
 * The resource (plural) of a kind, guessed exactly as apimachinery's
 * `meta.UnsafeGuessKindToResource` does: what Knative's SubjectAccessReviews and event
 * subjects use, so they name the same resources.
 */
export function guessResource(kind: string): string {
  const singular = kind.toLowerCase();
  if (singular === '') return '';
  if (unpluralizedSuffixes.some((s) => singular.endsWith(s))) return singular;
  if (singular.endsWith('s')) return `${singular}es`;
  if (singular.endsWith('y')) return `${singular.slice(0, -1)}ies`;
  return `${singular}s`;
}

/**
 * The event `subject` of an object (Knative's `createSelfLink`):
 * `/apis/<apiVersion>/namespaces/<ns>/<resource>/<name>`; a group without a version gets
 * `/versionUnknown`, as there.
 */
export function apiServerEventSubject(obj: {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name?: string;
}): string {
  let version = obj.apiVersion;
  if (version.includes('.') && !version.includes('/')) version = `${version}/versionUnknown`;
  return `/apis/${version}/namespaces/${obj.namespace ?? ''}/${guessResource(obj.kind)}/${obj.name ?? ''}`;
}
