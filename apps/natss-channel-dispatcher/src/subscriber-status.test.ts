import type { NatssChannel } from '@knative-ts/types';
import { subscriberStatuses } from './subscriber-status.js';

describe('subscriberStatuses', () => {
  it('is ready once the consumer exists, else says why', () => {
    const channel: NatssChannel = {
      apiVersion: 'messaging.knative.dev/v1alpha1',
      kind: 'NatssChannel',
      metadata: { namespace: 'ns', name: 'c' },
      spec: { subscribers: [{ uid: 'a', generation: 3 }, { uid: 'b' }, { uid: 'c' }] },
    };
    const states = new Map<string, true | string>([
      ['a', true],
      ['b', 'Failed to create consumer KN_SUB_B on stream KN_NS__C: stream not found'],
    ]);
    expect(subscriberStatuses(channel, states)).toEqual([
      { uid: 'a', observedGeneration: 3, ready: 'True' },
      {
        uid: 'b',
        ready: 'False',
        message: 'Failed to create consumer KN_SUB_B on stream KN_NS__C: stream not found',
      },
      { uid: 'c', ready: 'False', message: 'Consumer does not exist' },
    ]);
  });
});
