import { livingConditionSet } from './condition-set.js';
import type { KnativeObject, ObjectMeta } from './duck.js';
import type { SourceSpec, SourceStatus } from './source-duck.js';

/** A container of a pod template; only what validation reads is typed. */
export interface Container {
  name?: string;
  image?: string;
  [field: string]: unknown;
}

/** A pod template (corev1.PodTemplateSpec), kept opaque apart from its containers. */
export interface PodTemplateSpec {
  metadata?: ObjectMeta;
  spec?: { containers?: Container[]; [field: string]: unknown };
}

/** ContainerSource spec: the pod to run, bound to the sink by a SinkBinding. */
export interface ContainerSourceSpec extends SourceSpec {
  template: PodTemplateSpec;
}

/** sources.knative.dev/v1 ContainerSource. */
export type ContainerSource = KnativeObject<ContainerSourceSpec, SourceStatus>;

/** ContainerSource conditions (container_lifecycle.go). */
export const ContainerSourceConditions = livingConditionSet([
  'SinkBindingReady',
  'ReceiveAdapterReady',
]);
