import { ApiVersionOfKind, splitApiVersion } from './api-groups.js';

describe('ApiVersionOfKind', () => {
  it.each([
    ['Broker', 'eventing.knative.dev/v1'],
    ['Trigger', 'eventing.knative.dev/v1'],
    ['EventType', 'eventing.knative.dev/v1beta2'],
    ['Channel', 'messaging.knative.dev/v1'],
    ['InMemoryChannel', 'messaging.knative.dev/v1'],
    ['Subscription', 'messaging.knative.dev/v1'],
    ['KafkaChannel', 'messaging.knative.dev/v1beta1'],
    ['NatssChannel', 'messaging.knative.dev/v1alpha1'],
    ['NatsJetStreamChannel', 'messaging.knative.dev/v1alpha1'],
    ['Sequence', 'flows.knative.dev/v1'],
    ['Parallel', 'flows.knative.dev/v1'],
    ['PingSource', 'sources.knative.dev/v1'],
    ['ApiServerSource', 'sources.knative.dev/v1'],
    ['ContainerSource', 'sources.knative.dev/v1'],
    ['SinkBinding', 'sources.knative.dev/v1'],
  ] as const)('serves %s at %s', (kind, apiVersion) => {
    expect(ApiVersionOfKind[kind]).toBe(apiVersion);
  });

  it('lists exactly the kinds of the design', () => {
    expect(Object.keys(ApiVersionOfKind)).toHaveLength(15);
  });
});

describe('splitApiVersion', () => {
  it.each([
    ['eventing.knative.dev/v1', { group: 'eventing.knative.dev', version: 'v1' }],
    ['v1', { group: '', version: 'v1' }],
    ['apps/v1', { group: 'apps', version: 'v1' }],
  ])('splits %s', (apiVersion, expected) => {
    expect(splitApiVersion(apiVersion)).toEqual(expected);
  });
});
