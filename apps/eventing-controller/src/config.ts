import { natsSchema } from '@knative-ts/nats';
import { str } from '@knative-ts/runtime';
import { DEFAULT_SYSTEM_NAMESPACE } from '@knative-ts/types';

/** The eventing-controller's own variables, read once by main with the base ones. */
export const controllerSchema = {
  /** Where the dispatcher, the config maps and the leader Lease live. */
  SYSTEM_NAMESPACE: str(DEFAULT_SYSTEM_NAMESPACE),
  /** Suffix of every cluster address the controller writes into status. */
  CLUSTER_DOMAIN: str('cluster.local'),
  /** Where the JetStream streams of NatssChannels live (config-nats). */
  ...natsSchema,
};
