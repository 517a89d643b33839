import { DEFAULT_MAX_TTL, receiverSchema } from '@knative-ts/delivery';
import { autoCreateSchema } from '@knative-ts/eventtype-registry';
import { int } from '@knative-ts/runtime';

/** broker-ingress's own variables, read once by main with the base ones. */
export const ingressSchema = {
  ...receiverSchema({ podName: 'broker-ingress', containerName: 'ingress' }),
  /** `knativebrokerttl` given to events entering a broker for the first time (Knative: 255). */
  MAX_TTL: int({ min: 0, max: 2 ** 31 - 1, default: DEFAULT_MAX_TTL }),
  ...autoCreateSchema,
};
