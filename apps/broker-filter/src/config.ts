import { receiverSchema } from '@knative-ts/delivery';

/** broker-filter's own variables, read once by main with the base ones. */
export const filterSchema = receiverSchema({ podName: 'broker-filter', containerName: 'filter' });
