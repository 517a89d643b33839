import { senderSchema } from '@knative-ts/delivery';
import { str } from '@knative-ts/runtime';

/** The adapter's variables: Knative's contract (set by the controller) and the data plane's. */
export const adapterSchema = {
  /** Where every event goes. */
  K_SINK: str(),
  /** What to watch: Knative's apiserver.Config as JSON. */
  K_SOURCE_CONFIG: str(),
  /** duckv1.CloudEventOverrides as JSON; empty for none. */
  K_CE_OVERRIDES: str(''),
  /** The source's namespace and name (metric labels and logs). */
  NAMESPACE: str(''),
  NAME: str(''),
  SYSTEM_NAMESPACE: str('knative-eventing'),
  ...senderSchema({ podName: 'apiserver-adapter', containerName: 'receive-adapter' }),
};
