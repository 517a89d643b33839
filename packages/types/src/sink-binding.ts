import { livingConditionSet } from './condition-set.js';
import type { KnativeObject, LabelSelector } from './duck.js';
import type { SourceSpec, SourceStatus } from './source-duck.js';

/** The PodSpecable objects to inject K_SINK into: one by name, or many by selector. */
export interface SinkBindingSubject {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name?: string;
  selector?: LabelSelector;
}

/** SinkBinding spec. */
export interface SinkBindingSpec extends SourceSpec {
  subject: SinkBindingSubject;
}

/** SinkBinding status. */
export interface SinkBindingStatus extends SourceStatus {
  oidcTokenSecretName?: string;
}

/** sources.knative.dev/v1 SinkBinding. */
export type SinkBinding = KnativeObject<SinkBindingSpec, SinkBindingStatus>;

/** SinkBinding conditions (sinkbinding_lifecycle.go). */
export const SinkBindingConditions = livingConditionSet([
  'SinkBindingAvailable',
  'SinkProvided',
  'OIDCIdentityCreated',
  'OIDCTokenSecretCreated',
]);
