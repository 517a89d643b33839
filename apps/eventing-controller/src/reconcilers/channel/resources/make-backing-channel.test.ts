import type { Channel, ChannelTemplateSpec } from '@knative-ts/types';
import { makeBackingChannel } from './make-backing-channel.js';

const channel = (spec: Channel['spec']): Channel => ({
  apiVersion: 'messaging.knative.dev/v1',
  kind: 'Channel',
  metadata: { namespace: 'demo', name: 'ch', uid: 'ch-uid' },
  spec,
});
const imc: ChannelTemplateSpec = {
  apiVersion: 'messaging.knative.dev/v1',
  kind: 'InMemoryChannel',
};
const kafka: ChannelTemplateSpec = {
  apiVersion: 'messaging.knative.dev/v1beta1',
  kind: 'KafkaChannel',
  spec: { numPartitions: 3, replicationFactor: 1 },
};
const delivery = { retry: 3, deadLetterSink: { uri: 'http://dls.example' } };

describe('makeBackingChannel', () => {
  it.each([
    ['an InMemoryChannel without spec', imc, channel({}), {}],
    ['a KafkaChannel keeps its template spec', kafka, channel({}), kafka.spec],
    ['the Channel delivery is added', kafka, channel({ delivery }), { ...kafka.spec, delivery }],
  ])('%s', (_name, template, ch, spec) => {
    expect(makeBackingChannel(ch, template)).toEqual({
      apiVersion: template.apiVersion,
      kind: template.kind,
      metadata: {
        name: 'ch',
        namespace: 'demo',
        annotations: { 'messaging.knative.dev/subscribable': 'v1' },
        ownerReferences: [
          {
            apiVersion: 'messaging.knative.dev/v1',
            kind: 'Channel',
            name: 'ch',
            uid: 'ch-uid',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec,
    });
  });

  it('does not share the template spec object', () => {
    const out = makeBackingChannel(channel({}), kafka);
    (out.spec as Record<string, unknown>)['numPartitions'] = 9;
    expect(kafka.spec?.['numPartitions']).toBe(3);
  });
});
