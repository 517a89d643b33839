import { helmInstallArgs } from './helm.js';

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
