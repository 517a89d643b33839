import type { KubeObject } from '@knative-ts/kube';
import { defaultChannelTemplate } from './channel-defaults-config.js';

const cm = (yaml: string | undefined): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'default-ch-webhook', namespace: 'knative-eventing' },
    data: yaml === undefined ? {} : { 'default-ch-config': yaml },
  }) as KubeObject;

const imc = { apiVersion: 'messaging.knative.dev/v1', kind: 'InMemoryChannel' };
const kafka = {
  apiVersion: 'messaging.knative.dev/v1beta1',
  kind: 'KafkaChannel',
  spec: { numPartitions: 2 },
};
const config = `
clusterDefault:
  apiVersion: messaging.knative.dev/v1
  kind: InMemoryChannel
namespaceDefaults:
  kafka-ns:
    apiVersion: messaging.knative.dev/v1beta1
    kind: KafkaChannel
    spec:
      numPartitions: 2
`;

describe('defaultChannelTemplate', () => {
  it.each([
    ['no ConfigMap → what Knative ships', undefined, 'demo', imc],
    ['no key → what Knative ships', cm(undefined), 'demo', imc],
    ['cluster default', cm(config), 'demo', imc],
    ['a namespace default wins', cm(config), 'kafka-ns', kafka],
    ['namespace defaults only, other namespace → shipped', cm('namespaceDefaults: {}'), 'x', imc],
  ])('%s', (_name, configMap, namespace, template) => {
    expect(defaultChannelTemplate(configMap, namespace)).toEqual({ ok: true, template });
  });

  it.each([
    ['invalid YAML', 'clusterDefault: [', /default-ch-config is not valid YAML/],
    ['missing kind', 'clusterDefault:\n  apiVersion: v1', /clusterDefault.kind: required/],
  ])('reports %s', (_name, yaml, error) => {
    const result = defaultChannelTemplate(cm(yaml), 'demo');
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toMatch(error);
  });
});
