import { bool, int, str } from '@knative-ts/runtime';

/** The ping-adapter's own variables, read once by main with the base ones. */
export const pingAdapterSchema = {
  /** Suffix of in-cluster hosts, for local-mode resolution. */
  CLUSTER_DOMAIN: str('cluster.local'),
  /** Resolve `*.svc.<domain>` sinks through the API server to local ports. */
  LOCAL_MODE: bool(false),
  SYSTEM_NAMESPACE: str('knative-eventing'),
  /**
   * Shared store for replica coordination: each tick is claimed there once. Empty = this
   * replica fires every tick (run a single replica then).
   */
  REDIS_URL: str(''),
  /** How long a tick claim is kept; longer than any replica's clock skew plus send time. */
  TICK_CLAIM_TTL_MS: int({ min: 1_000, default: 10 * 60_000 }),
};
