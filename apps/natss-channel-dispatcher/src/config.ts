import { receiverSchema } from '@knative-ts/delivery';
import { triggerChannelSchema } from '@knative-ts/trigger-delivery';
import { autoCreateSchema } from '@knative-ts/eventtype-registry';
import { natsSchema } from '@knative-ts/nats';
import { int, str } from '@knative-ts/runtime';

/** The natss-channel-dispatcher's own variables, read once by main with the base ones. */
export const dispatcherSchema = {
  ...receiverSchema({
    podName: 'natss-channel-dispatcher',
    containerName: 'natss-channel-dispatcher',
  }),
  ...natsSchema,
  ...autoCreateSchema,
  /** Where broker-filter runs and the Secrets config-nats names live. */
  SYSTEM_NAMESPACE: str('knative-eventing'),
  ...triggerChannelSchema,
  /** Deliveries in flight per subscription in this replica (unordered subscriptions). */
  MAX_IN_FLIGHT: int({ min: 1, default: 64 }),
  /** How long the ingress waits for JetStream's publish ack before answering 503. */
  PUBLISH_TIMEOUT_MS: int({ min: 100, default: 5000 }),
};
