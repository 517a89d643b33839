import { refOf } from '@knative-ts/kube';
import type { NatssChannel } from '@knative-ts/types';
import { FakeKubeClient } from '@knative-ts/kube/testing';
import { subscriberStatuses, writeSubscriberStatus } from './subscriber-status.js';

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

describe('writeSubscriberStatus', () => {
  const channel: NatssChannel = {
    apiVersion: 'messaging.knative.dev/v1alpha1',
    kind: 'NatssChannel',
    metadata: { namespace: 'ns', name: 'c' },
    spec: { subscribers: [{ uid: 'a', generation: 1 }] },
  };
  const desired = [{ uid: 'a', observedGeneration: 1, ready: 'True' as const }];

  it('patches status.subscribers alone, keeping conditions the controller wrote since', async () => {
    const client = new FakeKubeClient({ objects: [channel] });
    const read = await client.get<NatssChannel>(refOf(channel));
    await client.updateStatus({
      ...read,
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    });
    expect(await writeSubscriberStatus(client, read, desired)).toBe('written');
    expect((await client.get<NatssChannel>(refOf(channel))).status).toEqual({
      conditions: [{ type: 'Ready', status: 'True' }],
      subscribers: desired,
    });
  });

  it('writes nothing when the statuses are already there', async () => {
    const client = new FakeKubeClient({
      objects: [{ ...channel, status: { subscribers: desired } }],
    });
    const read = await client.get<NatssChannel>(refOf(channel));
    client.clearActions();
    expect(await writeSubscriberStatus(client, read, desired)).toBe('unchanged');
    expect(client.mutations()).toEqual([]);
  });
});
