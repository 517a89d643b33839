import type { KubeObject } from '@knative-ts/kube';
import { brokerDefaults, channelTemplateOf } from './broker-config.js';

const cm = (key: string, yaml: string | undefined): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'x', namespace: 'sys' },
    data: yaml === undefined ? {} : { [key]: yaml },
  }) as KubeObject;
const defaults = (yaml: string | undefined) => cm('default-br-config', yaml);
const channel = (yaml: string | undefined) => cm('channel-template-spec', yaml);

describe('brokerDefaults', () => {
  it.each([
    ['no ConfigMap', undefined],
    ['no key', defaults(undefined)],
  ])('%s → what Knative ships, in the system namespace', (_name, configMap) => {
    expect(brokerDefaults(configMap, 'sys')).toEqual({
      ok: true,
      value: {
        clusterDefault: {
          brokerClass: 'MTChannelBasedBroker',
          apiVersion: 'v1',
          kind: 'ConfigMap',
          name: 'config-br-default-channel',
          namespace: 'sys',
          delivery: { retry: 10, backoffPolicy: 'exponential', backoffDelay: 'PT0.2S' },
        },
      },
    });
  });

  it('reads cluster and namespace defaults', () => {
    const yaml = `clusterDefault:\n  brokerClass: MTChannelBasedBroker\nnamespaceDefaults:\n  ns1:\n    brokerClass: Other`;
    expect(brokerDefaults(defaults(yaml), 'sys')).toEqual({
      ok: true,
      value: {
        clusterDefault: { brokerClass: 'MTChannelBasedBroker' },
        namespaceDefaults: { ns1: { brokerClass: 'Other' } },
      },
    });
  });

  it.each([
    ['invalid YAML', 'clusterDefault: [', /default-br-config is not valid YAML/],
    [
      'a wrong shape',
      'clusterDefault: 3',
      /default-br-config is invalid: clusterDefault: expected an object/,
    ],
  ])('reports %s', (_name, yaml, error) => {
    const result = brokerDefaults(defaults(yaml), 'sys');
    expect(result.ok ? '' : result.error).toMatch(error);
  });
});

describe('channelTemplateOf', () => {
  it('reads the template with its spec', () => {
    const yaml =
      'apiVersion: messaging.knative.dev/v1beta1\nkind: KafkaChannel\nspec:\n  numPartitions: 2';
    expect(channelTemplateOf(channel(yaml))).toEqual({
      ok: true,
      value: {
        apiVersion: 'messaging.knative.dev/v1beta1',
        kind: 'KafkaChannel',
        spec: { numPartitions: 2 },
      },
    });
  });

  it.each([
    ['no key', undefined, 'failed to find channelTemplate'],
    ['no kind', 'apiVersion: v1', 'channel-template-spec: expected apiVersion and kind'],
    ['invalid YAML', 'kind: [', /^channel-template-spec is not valid YAML/],
  ])('reports %s', (_name, yaml, error) => {
    const result = channelTemplateOf(channel(yaml));
    expect(result.ok ? '' : result.error).toMatch(error);
  });
});
