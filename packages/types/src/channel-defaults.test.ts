import type { Channel } from './channel.js';
import {
  channelTemplateFor,
  defaultInMemoryChannel,
  parseChannelDefaults,
  ShippedChannelDefaults,
} from './channel-defaults.js';

const kafka = {
  apiVersion: 'messaging.knative.dev/v1beta1',
  kind: 'KafkaChannel',
  spec: { numPartitions: 2 },
};
const config = {
  clusterDefault: { apiVersion: 'messaging.knative.dev/v1', kind: 'InMemoryChannel' },
  namespaceDefaults: { kafka: kafka },
};
const channel = (ns: string, spec: Channel['spec'] = {}): Channel => ({
  apiVersion: 'messaging.knative.dev/v1',
  kind: 'Channel',
  metadata: { name: 'c', namespace: ns },
  spec,
});

describe('parseChannelDefaults', () => {
  it('accepts the shipped and a namespaced config', () => {
    expect(parseChannelDefaults(ShippedChannelDefaults)).toEqual({
      ok: true,
      value: ShippedChannelDefaults,
    });
    expect(parseChannelDefaults(config).ok).toBe(true);
  });

  it.each<[string, unknown, string[]]>([
    ['not an object', 'x', ['default-ch-config: expected an object']],
    ['missing kind', { clusterDefault: { apiVersion: 'v1' } }, ['clusterDefault.kind: required']],
    ['bad namespaceDefaults', { namespaceDefaults: [] }, ['namespaceDefaults: expected an object']],
    [
      'bad namespace entry',
      { namespaceDefaults: { a: { kind: 1, apiVersion: 'v' } } },
      ['namespaceDefaults.a.kind: expected a string'],
    ],
    [
      'bad spec',
      { clusterDefault: { apiVersion: 'v', kind: 'k', spec: 'x' } },
      ['clusterDefault.spec: expected an object'],
    ],
  ])('rejects %s', (_n, parsed, errors) => {
    expect(parseChannelDefaults(parsed)).toEqual({ ok: false, errors });
  });
});

describe('channelTemplateFor', () => {
  it.each([
    ['kafka', kafka],
    ['other', config.clusterDefault],
  ])('namespace %s', (ns, want) => {
    expect(channelTemplateFor(config, ns)).toEqual(want);
  });
  it('is undefined without any default', () => {
    expect(channelTemplateFor({}, 'x')).toBeUndefined();
  });
});

describe('defaultInMemoryChannel', () => {
  it('adds the subscribable annotation', () => {
    const out = defaultInMemoryChannel({ ...channel('n'), kind: 'InMemoryChannel' });
    expect(out.metadata.annotations?.['messaging.knative.dev/subscribable']).toBe('v1');
  });
});
