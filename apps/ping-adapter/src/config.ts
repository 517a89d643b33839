import { DEFAULT_SYSTEM_NAMESPACE } from '@knative-ts/types';
import { senderSchema } from '@knative-ts/delivery';
import { int, str } from '@knative-ts/runtime';

/** The ping-adapter's own variables, read once by main with the base ones. */
export const pingAdapterSchema = {
  /** Cluster domain, local mode and the delivery bounds every sender reads. */
  ...senderSchema({ podName: 'ping-adapter', containerName: 'ping-adapter' }),
  SYSTEM_NAMESPACE: str(DEFAULT_SYSTEM_NAMESPACE),
  /**
   * Shared store for replica coordination: each tick is claimed there once. Empty = this
   * replica fires every tick (run a single replica then).
   */
  REDIS_URL: str(''),
  /** How long a tick claim is kept; longer than any replica's clock skew plus send time. */
  TICK_CLAIM_TTL_MS: int({ min: 1_000, default: 10 * 60_000 }),
};
