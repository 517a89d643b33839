/** Status of a condition, as Kubernetes spells it. */
export type ConditionStatus = 'True' | 'False' | 'Unknown';

/**
 * How much a failing condition matters. Knative serialises Error as an absent (or empty)
 * severity, so readers must treat `undefined`, `''` and `'Error'` alike.
 */
export type ConditionSeverity = 'Error' | 'Warning' | 'Info' | '';

/** A Knative status condition (knative.dev/pkg/apis Condition). */
export interface Condition {
  type: string;
  status: ConditionStatus;
  severity?: ConditionSeverity;
  /** RFC 3339, second precision, as metav1.Time serialises. */
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** A reference to a Kubernetes object, possibly in another namespace (duckv1.KReference). */
export interface KReference {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  /** Group-only alternative to apiVersion (flag `kreference-group`), resolved to the served version. */
  group?: string;
}

/** Where to send events: an object reference, a URI, or a URI relative to the reference. */
export interface Destination {
  ref?: KReference;
  uri?: string;
  /** PEM CA certificates appended to those of the resolved Addressable. */
  CACerts?: string;
  /** OIDC audience of the target. */
  audience?: string;
}

/** One address of an Addressable (duckv1.Addressable). */
export interface Addressable {
  name?: string;
  url: string;
  CACerts?: string;
  audience?: string;
}

/** The status every Knative object carries (duckv1.Status). */
export interface KnativeStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  annotations?: Record<string, string>;
}

/** Status of something that can receive events (duckv1.AddressStatus). */
export interface AddressStatus {
  address?: Addressable;
  addresses?: Addressable[];
}

/** The OIDC identity an object sends events as (duckv1.AuthStatus). */
export interface AuthStatus {
  serviceAccountName?: string;
  serviceAccountNames?: string[];
}

/** An EventPolicy that applies to an object (eventingduckv1.AppliedEventPolicyRef). */
export interface AppliedEventPolicyRef {
  apiVersion: string;
  name: string;
}

/** Status part listing the EventPolicies that apply (eventingduckv1.AppliedEventPoliciesStatus). */
export interface AppliedEventPoliciesStatus {
  policies?: AppliedEventPolicyRef[];
}

/** An owner reference (metav1.OwnerReference). */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** The subset of metav1.ObjectMeta that reconcilers read and write. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  deletionTimestamp?: string;
  creationTimestamp?: string;
}

/** A Knative-shaped object: type meta, metadata, spec and status. */
export interface KnativeObject<Spec, Status extends KnativeStatus = KnativeStatus> {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec: Spec;
  status?: Status;
}

/** A label selector (metav1.LabelSelector). */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** One expression of a label selector. */
export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

/** A reference to an object, as status lists carry it (corev1.ObjectReference subset). */
export interface ObjectReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  uid?: string;
}
