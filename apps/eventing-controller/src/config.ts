import { DEFAULT_SYSTEM_NAMESPACE } from '@knative-ts/types';
import { str } from '@knative-ts/runtime';

/** The eventing-controller's own variables, read once by main with the base ones. */
export const controllerSchema = {
  /** Where the dispatcher, the config maps and the leader Lease live. */
  SYSTEM_NAMESPACE: str(DEFAULT_SYSTEM_NAMESPACE),
  /** Suffix of every cluster address the controller writes into status. */
  CLUSTER_DOMAIN: str('cluster.local'),
  /** Image of each ApiServerSource's adapter Deployment (Knative's variable name). */
  APISERVER_RA_IMAGE: str('ghcr.io/knative-ts/apiserver-adapter:latest'),
};
