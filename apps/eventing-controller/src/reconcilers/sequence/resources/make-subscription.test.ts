import type { Sequence } from '@knative-ts/types';
import { makeSequenceSubscription } from './make-subscription.js';

const imc = { apiVersion: 'messaging.knative.dev/v1', kind: 'InMemoryChannel' };
const step = (name: string) => ({
  ref: { apiVersion: 'v1', kind: 'Service', name },
});
const delivery = { retry: 3 };
function sequence(reply?: Sequence['spec']['reply']): Sequence {
  return {
    apiVersion: 'flows.knative.dev/v1',
    kind: 'Sequence',
    metadata: { namespace: 'demo', name: 'seq', uid: 'seq-uid' },
    spec: {
      channelTemplate: imc,
      steps: [
        step('first'),
        { ...step('second'), delivery },
        { uri: 'http://third', audience: 'a' },
      ],
      ...(reply ? { reply } : {}),
    },
  };
}
const channel = (i: number) => ({ ...imc, name: `seq-kn-sequence-${i}` });
const replyTo = (i: number) => ({ ref: { ...channel(i), namespace: 'demo' } });

describe('makeSequenceSubscription', () => {
  it.each([
    [
      'step 0 replies to channel 1',
      sequence(),
      0,
      { channel: channel(0), subscriber: step('first'), reply: replyTo(1) },
    ],
    [
      'a step carries its delivery',
      sequence(),
      1,
      { channel: channel(1), subscriber: step('second'), delivery, reply: replyTo(2) },
    ],
    [
      'the last step without spec.reply has no reply',
      sequence(),
      2,
      { channel: channel(2), subscriber: { uri: 'http://third', audience: 'a' } },
    ],
    [
      'the last step replies to spec.reply',
      sequence({ ref: { apiVersion: 'v1', kind: 'Service', name: 'display' } }),
      2,
      {
        channel: channel(2),
        subscriber: { uri: 'http://third', audience: 'a' },
        reply: { ref: { apiVersion: 'v1', kind: 'Service', name: 'display' } },
      },
    ],
  ])('%s', (_name, seq, i, spec) => {
    const sub = makeSequenceSubscription(seq, imc, i);
    expect(sub.spec).toEqual(spec);
    expect(sub.metadata).toEqual({
      name: `seq-kn-sequence-${i}`,
      namespace: 'demo',
      ownerReferences: [
        {
          apiVersion: 'flows.knative.dev/v1',
          kind: 'Sequence',
          name: 'seq',
          uid: 'seq-uid',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    });
  });

  it('refuses a step that does not exist', () => {
    expect(() => makeSequenceSubscription(sequence(), imc, 3)).toThrow(
      'Sequence demo/seq has no step 3',
    );
  });
});
