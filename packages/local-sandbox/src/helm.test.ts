import { helmInstallArgs, helmTemplateArgs } from './helm.js';

/** An install with nothing but the required fields. */
const bare = {
  release: 'eventing',
  chart: 'charts/eventing',
  namespace: 'ns',
  backends: {},
  enable: [],
};

describe('helmInstallArgs', () => {
  it('installs the loaded images with the backends of .local/env, the enabled dispatchers, and waits', () => {
    expect(
      helmInstallArgs({
        release: 'eventing',
        chart: '/repo/charts/eventing',
        namespace: 'knative-eventing',
        backends: { kafka: 'a:1,b:2', nats: 'nats://n:1', redis: 'redis://r:1' },
        enable: ['kafkaChannelDispatcher'],
        images: { registry: 'ghcr.io/knative-ts', tag: 'dev-abc' },
        waitTimeout: '5m',
      }),
    ).toEqual([
      'upgrade',
      '--install',
      'eventing',
      '/repo/charts/eventing',
      '--namespace',
      'knative-eventing',
      '--create-namespace',
      '--take-ownership',
      '--force-conflicts',
      '--set-string',
      'kafka.bootstrapServers=a:1,b:2',
      '--set-string',
      'nats.url=nats://n:1',
      '--set-string',
      'redis.url=redis://r:1',
      '--set-string',
      'image.registry=ghcr.io/knative-ts',
      '--set-string',
      'image.tag=dev-abc',
      '--set-string',
      'image.pullPolicy=Never',
      '--set',
      'kafkaChannelDispatcher.enabled=true',
      '--wait',
      '--timeout',
      '5m',
    ]);
  });

  it('sets nothing that is not given, and waits only when asked', () => {
    const args = helmInstallArgs(bare);
    expect(args).not.toContain('--set-string');
    expect(args).not.toContain('--wait');
  });

  it('passes structured values as JSON, null removing a default', () => {
    const args = helmInstallArgs({
      ...bare,
      values: {
        defaultChannel: { apiVersion: 'messaging.knative.dev/v1beta1', kind: 'KafkaChannel' },
        'brokerDefaults.delivery': null,
      },
    });
    expect(args.slice(args.indexOf('--set-json'))).toEqual([
      '--set-json',
      'defaultChannel={"apiVersion":"messaging.knative.dev/v1beta1","kind":"KafkaChannel"}',
      '--set-json',
      'brokerDefaults.delivery=null',
    ]);
  });
});

describe('helmTemplateArgs', () => {
  it('renders with exactly the values an install of the same values sets', () => {
    const values = {
      backends: { kafka: 'k:1', nats: 'nats://n:1', redis: 'redis://r:1' },
      enable: ['natssChannelDispatcher'],
      features: { 'delivery-timeout': 'disabled' },
      values: { logLevels: { 'broker-filter': 'debug' } },
    };
    const template = helmTemplateArgs({ release: 'r', chart: 'c', namespace: 'ns', ...values });
    const install = helmInstallArgs({ release: 'r', chart: 'c', namespace: 'ns', ...values });
    expect(template.slice(0, 5)).toEqual(['template', 'r', 'c', '--namespace', 'ns']);
    expect(template.slice(5)).toEqual(install.slice(9));
    expect(template).toContain('features.delivery-timeout=disabled');
    expect(template).toContain('natssChannelDispatcher.enabled=true');
  });
});
