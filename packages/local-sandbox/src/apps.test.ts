import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPlaceholderApp, planApps, type PlanOptions } from './apps.js';

const options: PlanOptions = {
  repo: '/repo',
  systemNamespace: 'knative-eventing',
  kubeconfig: '/repo/.local/kubeconfig',
  backends: { kafka: '127.0.0.1:19092', nats: 'nats://127.0.0.1:14222', redis: 'redis://r:1' },
  portBase: 19100,
  isPlaceholder: (dist) => dist.includes('-channel-dispatcher'),
};

describe('planApps', () => {
  it('runs the apps the chart enables, with distinct ports', () => {
    const plans = planApps(options);
    expect(plans.map((p) => [p.name, p.httpPort, p.adminPort])).toEqual([
      ['eventing-controller', undefined, 19101],
      ['imc-dispatcher', 19110, 19111],
      ['broker-ingress', 19140, 19141],
      ['broker-filter', 19150, 19151],
      ['ping-adapter', undefined, 19161],
    ]);
  });

  it('gives each app the chart environment in local mode, with its own backends only', () => {
    const [controller, imc] = planApps(options);
    expect(imc?.env).toEqual({
      KUBECONFIG: '/repo/.local/kubeconfig',
      SYSTEM_NAMESPACE: 'knative-eventing',
      CLUSTER_DOMAIN: 'cluster.local',
      LOCAL_MODE: 'true',
      POD_NAME: 'imc-dispatcher-local',
      CONTAINER_NAME: 'imc-dispatcher',
      ADMIN_PORT: '19111',
      HTTP_PORT: '19110',
      LOG_LEVEL: 'info',
      REDIS_URL: 'redis://r:1',
    });
    expect(imc?.ports).toEqual({ http: 19110, 'http-metrics': 19111 });
    expect(imc?.main).toBe('/repo/apps/imc-dispatcher/dist/main.js');
    expect(controller?.env).toMatchObject({
      KAFKA_BROKERS: '127.0.0.1:19092',
      NATS_URL: 'nats://127.0.0.1:14222',
    });
    expect(controller?.env['HTTP_PORT']).toBeUndefined();
    expect(controller?.ports).toEqual({ 'http-metrics': 19101 });
  });

  it('registers the ping adapter under its chart Service pingsource-mt-adapter', () => {
    const ping = planApps(options).find((p) => p.name === 'ping-adapter');
    expect(ping?.service).toBe('pingsource-mt-adapter');
  });

  it('adds the channel dispatchers once they are real, with their chart key', () => {
    const plans = planApps({ ...options, isPlaceholder: () => false });
    expect(plans.find((p) => p.name === 'kafka-channel-dispatcher')).toMatchObject({
      httpPort: 19120,
      chartKey: 'kafkaChannelDispatcher',
    });
    expect(plans).toHaveLength(7);
  });
});

describe('isPlaceholderApp', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-apps-'));
  const dist = (name: string, files: string[]) => {
    const d = join(dir, name);
    mkdirSync(d);
    files.forEach((f) => writeFileSync(join(d, f), ''));
    return d;
  };

  it.each([
    ['only main', ['main.js', 'main.d.ts', 'main.js.map'], true],
    ['modules of its own', ['main.js', 'config.js'], false],
  ])('%s', (name, files, expected) => {
    expect(isPlaceholderApp(dist(name.replace(/ /g, '-'), files))).toBe(expected);
  });

  it('an app not built yet is not a placeholder', () => {
    expect(isPlaceholderApp(join(dir, 'missing'))).toBe(false);
  });
});
