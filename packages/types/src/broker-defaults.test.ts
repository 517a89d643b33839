import type { Broker } from './broker.js';
import {
  brokerClassFor,
  brokerConfigFor,
  defaultBroker,
  parseBrokerChannelTemplate,
  parseBrokerDefaults,
  ShippedBrokerDefaults,
  type BrokerDefaultsConfig,
} from './broker-defaults.js';

const config: BrokerDefaultsConfig = {
  clusterDefault: {
    brokerClass: 'cluster-class',
    apiVersion: 'v1',
    kind: 'ConfigMap',
    name: 'cluster-config',
    namespace: 'knative-eventing',
    delivery: { retry: 3, backoffPolicy: 'exponential', backoffDelay: 'PT3S', timeout: 'PT1S' },
  },
  namespaceDefaults: {
    ns1: { brokerClass: 'ns1-class', apiVersion: 'v1', kind: 'ConfigMap', name: 'ns1-config' },
    ns2: { brokerClass: 'ns2-class' },
  },
};
const broker = (
  ns: string,
  spec: Broker['spec'] = {},
  annotations?: Record<string, string>,
): Broker => ({
  apiVersion: 'eventing.knative.dev/v1',
  kind: 'Broker',
  metadata: { name: 'b', namespace: ns, ...(annotations ? { annotations } : {}) },
  spec,
});

describe('broker defaults config', () => {
  it.each([
    ['ns1', 'ns1-config', 'ns1-class'],
    ['ns2', 'cluster-config', 'ns2-class'],
    ['other', 'cluster-config', 'cluster-class'],
  ])('namespace %s uses config %s and class %s', (ns, name, cls) => {
    expect(brokerConfigFor(config, ns)?.name).toBe(name);
    expect(brokerClassFor(config, ns)).toBe(cls);
  });

  it('falls back to MTChannelBasedBroker and no config when nothing is set', () => {
    expect(brokerClassFor({}, 'x')).toBe('MTChannelBasedBroker');
    expect(brokerConfigFor({}, 'x')).toBeUndefined();
  });

  it.each<[unknown, boolean]>([
    [ShippedBrokerDefaults, true],
    [{ namespaceDefaults: { 'namespace-3': null } }, true],
    ['x', false],
    [{ clusterDefault: { brokerClass: 1 } }, false],
    [{ clusterDefault: { delivery: 'x' } }, false],
    [{ namespaceDefaults: 'x' }, false],
  ])('parseBrokerDefaults(%j).ok = %s', (parsed, ok) => {
    expect(parseBrokerDefaults(parsed).ok).toBe(ok);
  });

  it.each<[unknown, boolean]>([
    [{ apiVersion: 'messaging.knative.dev/v1', kind: 'InMemoryChannel' }, true],
    [{ kind: 'InMemoryChannel' }, false],
  ])('parseBrokerChannelTemplate(%j).ok = %s', (parsed, ok) => {
    expect(parseBrokerChannelTemplate(parsed).ok).toBe(ok);
  });
});

describe('defaultBroker', () => {
  it('sets class, config and delivery (without timeout) from the cluster default', () => {
    const out = defaultBroker(broker('other'), config);
    expect(out.metadata.annotations).toEqual({
      'eventing.knative.dev/broker.class': 'cluster-class',
    });
    expect(out.spec.config).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: 'cluster-config',
      namespace: 'knative-eventing',
    });
    expect(out.spec.delivery).toEqual({
      retry: 3,
      backoffPolicy: 'exponential',
      backoffDelay: 'PT3S',
    });
  });

  it('defaults the config namespace to the broker namespace', () => {
    expect(defaultBroker(broker('ns1'), config).spec.config?.namespace).toBe('ns1');
  });

  it('keeps an existing delivery, config and class', () => {
    const spec = {
      config: { apiVersion: 'v1', kind: 'ConfigMap', name: 'mine', namespace: 'x' },
      delivery: { retry: 1 },
    };
    const out = defaultBroker(
      broker('other', spec, { 'eventing.knative.dev/broker.class': 'Kafka' }),
      config,
    );
    expect(out.spec).toEqual(spec);
    expect(out.metadata.annotations?.['eventing.knative.dev/broker.class']).toBe('Kafka');
  });

  it('uses the shipped defaults when given no config', () => {
    const out = defaultBroker(broker('n'));
    expect(out.metadata.annotations?.['eventing.knative.dev/broker.class']).toBe(
      'MTChannelBasedBroker',
    );
    expect(out.spec.config?.name).toBe('config-br-default-channel');
    expect(out.spec.delivery).toEqual({
      retry: 10,
      backoffPolicy: 'exponential',
      backoffDelay: 'PT0.2S',
    });
  });
});
