import { DEFAULT_MAX_TTL } from '@knative-ts/delivery';
import { int, oneOf, port, str, type Field } from '@knative-ts/runtime';

/** `true` / `false`, as Kubernetes manifests write booleans into env. */
function bool(fallback: boolean): Field<boolean> {
  const field = oneOf(['true', 'false'] as const, fallback ? 'true' : 'false');
  return {
    parse: (raw) => {
      const result = field.parse(raw);
      return result.ok ? { ok: true, value: result.value === 'true' } : result;
    },
  };
}

/** broker-ingress's own variables, read once by main with the base ones. */
export const ingressSchema = {
  /** Event ingress; 0 asks the OS for a free port (logged as `port`). */
  HTTP_PORT: port(8080),
  /** Largest accepted request body; larger requests are answered 413. */
  MAX_BODY_BYTES: int({ min: 1, default: 4 * 1024 * 1024 }),
  /** Suffix of in-cluster hosts, for local-mode resolution. */
  CLUSTER_DOMAIN: str('cluster.local'),
  /** Resolve `*.svc.<domain>` destinations through the API server to local ports. */
  LOCAL_MODE: bool(false),
  /** `knativebrokerttl` given to events entering a broker for the first time (Knative: 255). */
  MAX_TTL: int({ min: 0, max: 2 ** 31 - 1, default: DEFAULT_MAX_TTL }),
  /** Metric labels `unique_name` (pod name + random suffix) and `container_name`, as Knative. */
  POD_NAME: str('broker-ingress'),
  CONTAINER_NAME: str('ingress'),
};
