/**
 * The helm arguments for charts/eventing: `upgrade --install` onto the local node (npm start)
 * and `template` (the integration suites read their apps' environment from it).
 */

/** Backend endpoints, as `.local/env` exports them. */
export interface Backends {
  kafka?: string;
  nats?: string;
  redis?: string;
}

/**
 * How npm start and the integration suites configure the chart: one values builder, so
 * both run what the same values give.
 */
export interface ChartValues {
  backends: Backends;
  /** Values keys of apps disabled by default to turn on (e.g. kafkaChannelDispatcher). */
  enable: string[];
  /** The images scripts/build-images.sh loaded into the node (pulled never). */
  images?: { registry: string; tag: string };
  /** `config-features` flags to set, e.g. {'eventtype-auto-create': 'enabled'}. */
  features?: Record<string, string>;
  /**
   * Any other value, by dotted key, as JSON (`--set-json`): structures such as
   * {'defaultChannel': {apiVersion, kind, spec}}; null removes a default (e.g.
   * {'brokerDefaults.delivery': null}).
   */
  values?: Record<string, unknown>;
}

export interface ChartInstall extends ChartValues {
  release: string;
  chart: string;
  namespace: string;
  /** `--wait` for every Deployment's pods to be Ready, at most this long (e.g. `5m`). */
  waitTimeout?: string;
}

/** The `--set*` arguments of `values`, shared by install and template. */
export function chartValueArgs({
  backends,
  enable,
  images,
  features = {},
  values = {},
}: ChartValues): string[] {
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
    // --set-string: a value with commas (several Kafka brokers) stays one string.
    ...strings.flatMap((v) => ['--set-string', v]),
    ...Object.entries(values).flatMap(([key, v]) => ['--set-json', `${key}=${JSON.stringify(v)}`]),
    ...enable.flatMap((key) => ['--set', `${key}.enabled=true`]),
  ];
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
  waitTimeout,
  ...values
}: ChartInstall): string[] {
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
    ...chartValueArgs(values),
    ...(waitTimeout ? ['--wait', '--timeout', waitTimeout] : []),
  ];
}

/** `helm template` of the chart with the same values an install would get (nothing applied). */
export function helmTemplateArgs({
  release,
  chart,
  namespace,
  ...values
}: Omit<ChartInstall, 'waitTimeout'>): string[] {
  return ['template', release, chart, '--namespace', namespace, ...chartValueArgs(values)];
}
