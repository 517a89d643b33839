import type { Channel } from './channel.js';
import {
  channelTemplateFor,
  defaultChannel,
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

describe('defaultChannel', () => {
  it('fills channelTemplate, the subscribable annotation and the DLS namespace', () => {
    const ch = channel('kafka', {
      delivery: { deadLetterSink: { ref: { apiVersion: 'v1', kind: 'Service', name: 'd' } } },
    });
    const out = defaultChannel(ch, config);
    expect(out.spec.channelTemplate).toEqual(kafka);
    expect(out.metadata.annotations).toEqual({ 'messaging.knative.dev/subscribable': 'v1' });
    expect(out.spec.delivery?.deadLetterSink?.ref?.namespace).toBe('kafka');
    expect(ch.spec.channelTemplate).toBeUndefined();
  });

  it('keeps a given template and annotation', () => {
    const ch = channel('kafka', { channelTemplate: config.clusterDefault });
    ch.metadata.annotations = { 'messaging.knative.dev/subscribable': 'v2' };
    const out = defaultChannel(ch, config);
    expect(out.spec.channelTemplate).toEqual(config.clusterDefault);
    expect(out.metadata.annotations?.['messaging.knative.dev/subscribable']).toBe('v2');
  });

  it('uses InMemoryChannel when given no config', () => {
    expect(defaultChannel(channel('x')).spec.channelTemplate?.kind).toBe('InMemoryChannel');
  });
});

describe('defaultInMemoryChannel', () => {
  it('adds the subscribable annotation', () => {
    const out = defaultInMemoryChannel({ ...channel('n'), kind: 'InMemoryChannel' });
    expect(out.metadata.annotations?.['messaging.knative.dev/subscribable']).toBe('v1');
  });
});
