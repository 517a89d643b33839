/** A Knative status condition (knative.dev/pkg/apis Condition). */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  severity?: 'Error' | 'Warning' | 'Info' | '';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** A reference to a Kubernetes object, possibly in another namespace. */
export interface KReference {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  /** Group-only alternative to apiVersion, resolved to the served version. */
  group?: string;
}

/** Where to send events: an object reference, a URI, or a URI relative to the reference. */
export interface Destination {
  ref?: KReference;
  uri?: string;
  CACerts?: string;
  audience?: string;
}
