/** `helm upgrade --install` of charts/eventing into the local control plane and its node. */

/** Backend endpoints, as `.local/env` exports them. */
export interface Backends {
  kafka?: string;
  nats?: string;
  redis?: string;
}

export interface ChartInstall {
  release: string;
  chart: string;
  namespace: string;
  backends: Backends;
  /** Values keys of apps disabled by default to turn on (e.g. kafkaChannelDispatcher). */
  enable: string[];
  /** The images scripts/build-images.sh loaded into the node (pulled never). */
  images?: { registry: string; tag: string };
  /** `--wait` for every Deployment's pods to be Ready, at most this long (e.g. `5m`). */
  waitTimeout?: string;
  /** `config-features` flags to set, e.g. {'eventtype-auto-create': 'enabled'}. */
  features?: Record<string, string>;
}

/**
 * The helm arguments. Idempotent: `upgrade --install`; `--take-ownership` adopts objects
 * applied without Helm (e.g. CRDs the integration tests applied), and `--force-conflicts`
 * wins server-side apply conflicts with them.
 */
export function helmInstallArgs({
  release,
  chart,
  namespace,
  backends,
  enable,
  images,
  waitTimeout,
  features = {},
}: ChartInstall): string[] {
  const strings: string[] = [];
  for (const [flag, state] of Object.entries(features)) strings.push(`features.${flag}=${state}`);
  if (backends.kafka) strings.push(`kafka.bootstrapServers=${backends.kafka}`);
  if (backends.nats) strings.push(`nats.url=${backends.nats}`);
  if (backends.redis) strings.push(`redis.url=${backends.redis}`);
  if (images) {
    strings.push(`image.registry=${images.registry}`, `image.tag=${images.tag}`);
    strings.push('image.pullPolicy=Never');
  }
  return [
    'upgrade',
    '--install',
    release,
    chart,
    '--namespace',
    namespace,
    '--create-namespace',
    '--take-ownership',
    '--force-conflicts',
    // --set-string: a value with commas (several Kafka brokers) stays one string.
    ...strings.flatMap((v) => ['--set-string', v]),
    ...enable.flatMap((key) => ['--set', `${key}.enabled=true`]),
    ...(waitTimeout ? ['--wait', '--timeout', waitTimeout] : []),
  ];
}
