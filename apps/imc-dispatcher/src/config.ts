import { DEFAULT_SYSTEM_NAMESPACE } from '@knative-ts/types';
import { receiverSchema } from '@knative-ts/delivery';
import { autoCreateSchema } from '@knative-ts/eventtype-registry';
import { bool, str } from '@knative-ts/runtime';

/** The imc-dispatcher's own variables, read once by main with the base ones. */
export const dispatcherSchema = {
  ...receiverSchema({ podName: 'imc-dispatcher', containerName: 'imc-dispatcher' }),
  /** Where broker-filter runs: its error bodies are unwrapped for dead letters. */
  SYSTEM_NAMESPACE: str(DEFAULT_SYSTEM_NAMESPACE),
  /**
   * Whether a Broker's trigger channel skips the request to broker-filter for a Trigger
   * whose filter rejects the event (broker-filter would answer 200 and deliver nothing).
   * Off: every Trigger gets every event's request, as Knative's channel-based broker does.
   */
  TRIGGER_PREFILTER: bool(true),
  /**
   * Whether a Broker's trigger channel runs broker-filter's work in this process for the
   * Triggers it knows (@knative-ts/trigger-delivery): the same answer, retries, reply and
   * dead letter, without the HTTP hop to broker-filter. Off: every matching event goes
   * to broker-filter over HTTP, as in Knative's channel-based broker.
   */
  TRIGGER_DELIVERY_IN_PROCESS: bool(true),
  ...autoCreateSchema,
};
