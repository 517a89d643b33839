import { natsSchema } from '@knative-ts/nats';
import { int, str } from '@knative-ts/runtime';
import { DEFAULT_SYSTEM_NAMESPACE } from '@knative-ts/types';

/** The eventing-controller's own variables, read once by main with the base ones. */
export const controllerSchema = {
  /** Where the dispatcher, the config maps and the leader Lease live. */
  SYSTEM_NAMESPACE: str(DEFAULT_SYSTEM_NAMESPACE),
  /** Suffix of every cluster address the controller writes into status. */
  CLUSTER_DOMAIN: str('cluster.local'),
  /**
   * HTTPS port of the EventType conversion webhook; 0 serves none and leaves the CRD's
   * conversion alone (then v1beta2 and v1beta3 show each object as it was written).
   */
  CONVERSION_WEBHOOK_PORT: int({ min: 0, max: 65535, default: 0 }),
  /**
   * Local mode: the URL the API server reaches the webhook at (https://127.0.0.1:<port>).
   * Empty: the `eventing-webhook` Service in the system namespace, as in a cluster.
   */
  CONVERSION_WEBHOOK_URL: str(''),
  /** Image of each ApiServerSource's adapter Deployment (Knative's variable name). */
  APISERVER_RA_IMAGE: str('ghcr.io/knative-ts/apiserver-adapter:latest'),
  /** Where the JetStream streams of NatssChannels live (config-nats). */
  ...natsSchema,
};
