import { helmInstallArgs } from './helm.js';

describe('helmInstallArgs', () => {
  it('installs or upgrades with the backends of .local/env and the enabled dispatchers', () => {
    expect(
      helmInstallArgs({
        release: 'eventing',
        chart: '/repo/charts/eventing',
        namespace: 'knative-eventing',
        backends: { kafka: 'a:1,b:2', nats: 'nats://n:1', redis: 'redis://r:1' },
        enable: ['kafkaChannelDispatcher'],
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
      '--set',
      'kafkaChannelDispatcher.enabled=true',
    ]);
  });

  it('sets no backend that is not configured, and never waits for pods', () => {
    const args = helmInstallArgs({
      release: 'eventing',
      chart: 'charts/eventing',
      namespace: 'ns',
      backends: {},
      enable: [],
    });
    expect(args).not.toContain('--set-string');
    expect(args).not.toContain('--wait');
  });
});
