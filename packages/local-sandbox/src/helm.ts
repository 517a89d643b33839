/** `helm upgrade --install` of charts/eventing into the local control plane. */
import type { Backends } from './apps.js';

export interface ChartInstall {
  release: string;
  chart: string;
  namespace: string;
  backends: Backends;
  /** Chart keys of apps disabled by default to turn on (e.g. kafkaChannelDispatcher). */
  enable: string[];
}

/**
 * The helm arguments. Idempotent: `upgrade --install`; `--take-ownership` adopts objects
 * applied without Helm (e.g. CRDs the integration tests applied), and `--force-conflicts`
 * wins server-side apply conflicts with them. No `--wait`: with no kubelet, pods never run;
 * the local processes stand in for them.
 */
export function helmInstallArgs({
  release,
  chart,
  namespace,
  backends,
  enable,
}: ChartInstall): string[] {
  const values: string[] = [];
  if (backends.kafka) values.push(`kafka.bootstrapServers=${backends.kafka}`);
  if (backends.nats) values.push(`nats.url=${backends.nats}`);
  if (backends.redis) values.push(`redis.url=${backends.redis}`);
  for (const key of enable) values.push(`${key}.enabled=true`);
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
    ...values.flatMap((v) => (v.endsWith('.enabled=true') ? ['--set', v] : ['--set-string', v])),
  ];
}
