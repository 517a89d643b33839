import { brokerAddressUrl, type Broker } from '@knative-ts/types';
import { makeTriggerChannel, triggerChannelRef } from './make-trigger-channel.js';

const broker = (spec: Broker['spec'] = {}): Broker => ({
  apiVersion: 'eventing.knative.dev/v1',
  kind: 'Broker',
  metadata: { namespace: 'demo', name: 'default', uid: 'b-uid' },
  spec,
});
const imc = { apiVersion: 'messaging.knative.dev/v1', kind: 'InMemoryChannel' };
const kafka = {
  apiVersion: 'messaging.knative.dev/v1beta1',
  kind: 'KafkaChannel',
  spec: { numPartitions: 3 },
};
const delivery = { retry: 3, backoffPolicy: 'linear' as const, backoffDelay: 'PT1S' };

describe('makeTriggerChannel', () => {
  it.each([
    ['an InMemoryChannel without delivery', broker(), imc, {}],
    ['a KafkaChannel keeps the template spec', broker(), kafka, { numPartitions: 3 }],
    ['the broker delivery goes into the spec', broker({ delivery }), imc, { delivery }],
    [
      'template spec and delivery together',
      broker({ delivery }),
      kafka,
      { numPartitions: 3, delivery },
    ],
  ])('%s', (_name, b, template, spec) => {
    const ch = makeTriggerChannel(b, template);
    expect(ch).toEqual({
      apiVersion: template.apiVersion,
      kind: template.kind,
      metadata: {
        name: 'default-kne-trigger',
        namespace: 'demo',
        labels: {
          'eventing.knative.dev/broker': 'default',
          'eventing.knative.dev/brokerEverything': 'true',
        },
        annotations: { 'messaging.knative.dev/subscribable': 'v1' },
        ownerReferences: [
          {
            apiVersion: 'eventing.knative.dev/v1',
            kind: 'Broker',
            name: 'default',
            uid: 'b-uid',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec,
    });
  });

  it('does not share the template spec with the built object', () => {
    const ch = makeTriggerChannel(broker(), kafka) as { spec: { numPartitions: number } };
    ch.spec.numPartitions = 9;
    expect(kafka.spec.numPartitions).toBe(3);
  });

  it('names the channel <broker>-kne-trigger of the template kind', () => {
    expect(triggerChannelRef(broker(), kafka)).toEqual({
      apiVersion: kafka.apiVersion,
      kind: 'KafkaChannel',
      namespace: 'demo',
      name: 'default-kne-trigger',
    });
  });
});

describe('brokerAddressUrl', () => {
  it.each([
    [
      'knative-eventing',
      'cluster.local',
      'http://broker-ingress.knative-eventing.svc.cluster.local/demo/default',
    ],
    ['sys', 'example.org', 'http://broker-ingress.sys.svc.example.org/demo/default'],
  ])('%s / %s', (systemNamespace, clusterDomain, url) => {
    expect(
      brokerAddressUrl({ namespace: 'demo', name: 'default', systemNamespace, clusterDomain }),
    ).toBe(url);
  });
});
