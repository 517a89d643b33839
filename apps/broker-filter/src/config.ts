import { receiverSchema } from '@knative-ts/delivery';
import { autoCreateSchema } from '@knative-ts/eventtype-registry';

/** broker-filter's own variables, read once by main with the base ones. */
export const filterSchema = {
  ...receiverSchema({ podName: 'broker-filter', containerName: 'filter' }),
  ...autoCreateSchema,
};
