import { DEFAULT_SYSTEM_NAMESPACE } from '@knative-ts/types';
import { receiverSchema } from '@knative-ts/delivery';
import { autoCreateSchema } from '@knative-ts/eventtype-registry';
import { str } from '@knative-ts/runtime';
import { triggerChannelSchema } from '@knative-ts/trigger-delivery';

/** The imc-dispatcher's own variables, read once by main with the base ones. */
export const dispatcherSchema = {
  ...receiverSchema({ podName: 'imc-dispatcher', containerName: 'imc-dispatcher' }),
  /** Where broker-filter runs: its error bodies are unwrapped for dead letters. */
  SYSTEM_NAMESPACE: str(DEFAULT_SYSTEM_NAMESPACE),
  ...triggerChannelSchema,
  ...autoCreateSchema,
};
