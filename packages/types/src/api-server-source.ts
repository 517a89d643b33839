import { livingConditionSet } from './condition-set.js';
import type { KnativeObject, LabelSelector } from './duck.js';
import type { SourceSpec, SourceStatus } from './source-duck.js';
import type { SubscriptionsAPIFilter } from './trigger.js';

/** Reference mode sends an ObjectReference as data; Resource mode the whole object. */
export type ApiServerSourceMode = 'Reference' | 'Resource';

/** One kind of object to watch. */
export interface APIVersionKindSelector {
  apiVersion: string;
  kind: string;
  selector?: LabelSelector;
}

/** Only objects owned by this kind are reported. */
export interface APIVersionKind {
  apiVersion: string;
  kind: string;
}

/** ApiServerSource spec. */
export interface ApiServerSourceSpec extends SourceSpec {
  resources: APIVersionKindSelector[];
  owner?: APIVersionKind;
  mode?: ApiServerSourceMode;
  /** The adapter runs as this ServiceAccount, so its RBAC bounds what is watched. */
  serviceAccountName?: string;
  namespaceSelector?: LabelSelector;
  filters?: SubscriptionsAPIFilter[];
}

/** ApiServerSource status: the source status plus the namespaces being watched. */
export interface ApiServerSourceStatus extends SourceStatus {
  namespaces?: string[];
}

/** sources.knative.dev/v1 ApiServerSource. */
export type ApiServerSource = KnativeObject<ApiServerSourceSpec, ApiServerSourceStatus>;

/** ApiServerSource conditions (apiserver_lifecycle.go). */
export const ApiServerSourceConditions = livingConditionSet([
  'SinkProvided',
  'Deployed',
  'SufficientPermissions',
  'OIDCIdentityCreated',
]);
