import { Registry, collectDefaultMetrics } from 'prom-client';

export { Registry } from 'prom-client';

/** A fresh metrics registry with Node's default process metrics; never the global one. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** The `metrics-protocol` values of config-observability this runtime honours. */
export const METRICS_PROTOCOLS = ['prometheus', 'none'] as const;
