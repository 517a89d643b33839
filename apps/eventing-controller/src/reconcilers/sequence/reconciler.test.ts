import type { KubeObject } from '@knative-ts/kube';
import type { Sequence, SequenceStep } from '@knative-ts/types';
import { reconcileOnce, testNow } from '../../testing/reconcile-once.js';
import { expectRow, type ReconcilerRow } from '../../testing/table-row.js';
import { flowInitialized, imc, imcTemplate, ownedBy, sub } from '../flows/testing.js';
import { makeSequenceSubscription } from './resources/make-subscription.js';
import { SequenceReconciler } from './reconciler.js';

const owner = ownedBy('Sequence', 'seq');
const step = (name: string): SequenceStep => ({
  ref: { apiVersion: 'v1', kind: 'Service', name },
});
function sequence(steps = [step('a'), step('b')], withTemplate = true): Sequence {
  return {
    apiVersion: 'flows.knative.dev/v1',
    kind: 'Sequence',
    metadata: { namespace: 'demo', name: 'seq', uid: 'seq-uid', generation: 1 },
    spec: { steps, ...(withTemplate ? { channelTemplate: imcTemplate } : {}) },
  };
}
const subOf = (seq: Sequence, i: number, ready: boolean) =>
  sub(`seq-kn-sequence-${i}`, owner, makeSequenceSubscription(seq, imcTemplate, i).spec, ready);
const children = (seq: Sequence, n: number, ready: boolean): KubeObject[] =>
  Array.from({ length: n }, (_, i) => [
    imc(`seq-kn-sequence-${i}`, owner, ready),
    subOf(seq, i, ready),
  ]).flat();

const seq2 = sequence();
const seq1 = sequence([step('a')]);
const rows: ReconcilerRow[] = [
  {
    name: 'a spec the webhook would reject is Ready=False InvalidSpec naming the fields, and nothing is created',
    objects: [sequence([step('a'), { uri: 'not-absolute', delivery: { retry: -2 } }])],
    wantActions: ['updateStatus Sequence demo/seq'],
    wantEvents: [
      'Warning InvalidSpec invalid value: not-absolute: spec.steps[1].uri\nRelative URI is not allowed when Ref and [apiVersion, kind, name] is absent\ninvalid value: -2: spec.steps[1].delivery.retry',
    ],
    wantConditions: { ...flowInitialized, Ready: 'False InvalidSpec' },
  },
  {
    name: 'writes the default channelTemplate from default-ch-webhook first',
    objects: [sequence(undefined, false)],
    wantActions: ['patch Sequence demo/seq', 'updateStatus Sequence demo/seq'],
  },
  {
    name: 'creates a channel and a Subscription per step',
    objects: [seq2],
    wantActions: [
      'create InMemoryChannel demo/seq-kn-sequence-0',
      'create InMemoryChannel demo/seq-kn-sequence-1',
      'create Subscription demo/seq-kn-sequence-0',
      'create Subscription demo/seq-kn-sequence-1',
      'updateStatus Sequence demo/seq',
    ],
    wantConditions: {
      Addressable: 'Unknown emptyAddress',
      ChannelsReady: 'Unknown ChannelsNotReady',
      EventPoliciesReady: 'True OIDCDisabled',
      Ready: 'Unknown emptyAddress',
      SubscriptionsReady: 'Unknown SubscriptionsNotReady',
    },
  },
  {
    name: 'is Ready once every channel and Subscription is',
    objects: [seq2, ...children(seq2, 2, true)],
    wantActions: ['updateStatus Sequence demo/seq'],
    wantConditions: {
      Addressable: 'True',
      ChannelsReady: 'True',
      EventPoliciesReady: 'True OIDCDisabled',
      Ready: 'True',
      SubscriptionsReady: 'True',
    },
  },
  {
    name: 'deletes the channel and Subscription of a removed step',
    objects: [seq1, ...children(seq2, 2, true)],
    wantActions: [
      'update Subscription demo/seq-kn-sequence-0',
      'delete InMemoryChannel demo/seq-kn-sequence-1',
      'delete Subscription demo/seq-kn-sequence-1',
      'updateStatus Sequence demo/seq',
    ],
  },
  {
    name: 'leaves children it does not control alone when pruning',
    objects: [seq1, ...children(seq1, 1, true), imc('other', ownedBy('Sequence', 'x'), true)],
    wantActions: ['updateStatus Sequence demo/seq'],
  },
  {
    name: 'deletes a Subscription whose immutable channel must change (re-created once gone)',
    objects: [
      seq1,
      imc('seq-kn-sequence-0', owner, true),
      sub('seq-kn-sequence-0', owner, { channel: { ...imcTemplate, name: 'elsewhere' } }, true),
    ],
    wantActions: ['delete Subscription demo/seq-kn-sequence-0', 'updateStatus Sequence demo/seq'],
  },
  {
    name: 'refuses a same-named channel it does not control',
    objects: [seq1, imc('seq-kn-sequence-0', ownedBy('Sequence', 'x'), true)],
    wantActions: ['updateStatus Sequence demo/seq'],
    wantEvents: [
      'Warning InternalError failed to reconcile channel seq-kn-sequence-0 at step 0: InMemoryChannel demo/seq-kn-sequence-0 exists and is not controlled by Sequence "seq"',
    ],
    wantConditions: {
      Addressable: 'Unknown',
      ChannelsReady: 'Unknown ChannelsNotReady',
      EventPoliciesReady: 'Unknown',
      Ready: 'Unknown ChannelsNotReady',
      SubscriptionsReady: 'Unknown',
    },
  },
];

const run = (objects: KubeObject[]) =>
  reconcileOnce<Sequence>({
    objects,
    apiVersion: 'flows.knative.dev/v1',
    kind: 'Sequence',
    key: 'demo/seq',
    reconciler: ({ client, references }) =>
      new SequenceReconciler({
        client,
        references,
        systemNamespace: 'knative-eventing',
        now: () => testNow,
      }),
  });
const seqRef = {
  apiVersion: 'flows.knative.dev/v1',
  kind: 'Sequence',
  namespace: 'demo',
  name: 'seq',
};

describe('SequenceReconciler', () => {
  it.each(rows)('$name', async (row) => {
    expectRow(await run(row.objects), row, seqRef);
  });

  it('defaults the template to the shipped InMemoryChannel', async () => {
    const { bodies } = await run([sequence(undefined, false)]);
    expect(bodies[0]).toMatchObject({ spec: { channelTemplate: imcTemplate } });
  });

  it('reports channel and subscription statuses and the address of channel 0', async () => {
    const { client } = await run([seq2, ...children(seq2, 2, true)]);
    const status = client.peek<Sequence>(seqRef)?.status;
    expect(status?.address).toEqual({
      url: 'http://seq-kn-sequence-0-kn-channel.demo.svc.cluster.local',
    });
    expect(status?.channelStatuses?.map((c) => [c.channel.name, c.ready.status])).toEqual([
      ['seq-kn-sequence-0', 'True'],
      ['seq-kn-sequence-1', 'True'],
    ]);
    expect(status?.subscriptionStatuses?.[1]).toEqual({
      subscription: {
        apiVersion: 'messaging.knative.dev/v1',
        kind: 'Subscription',
        name: 'seq-kn-sequence-1',
        namespace: 'demo',
      },
      ready: { type: 'Ready', status: 'True' },
    });
  });

  it('marks children without a Ready condition NoReady', async () => {
    const { client } = await run([seq1, ...children(seq1, 1, false)]);
    expect(client.peek<Sequence>(seqRef)?.status?.channelStatuses?.[0]?.ready).toEqual({
      type: 'Ready',
      status: 'Unknown',
      reason: 'NoReady',
      message: 'Channel does not have Ready condition',
    });
  });

  it('tracks its channels so their changes re-queue the Sequence', async () => {
    const { tracked } = await run([seq2]);
    expect(tracked).toEqual([
      'InMemoryChannel.messaging.knative.dev demo/seq-kn-sequence-0 <- demo/seq',
      'InMemoryChannel.messaging.knative.dev demo/seq-kn-sequence-1 <- demo/seq',
    ]);
  });

  it('is idempotent once everything is ready', async () => {
    const first = await run([seq2, ...children(seq2, 2, true)]);
    const settled = first.client.peek<Sequence>(seqRef) as Sequence;
    const second = await run([settled, ...children(seq2, 2, true)]);
    expect(second.actions).toEqual([]);
  });
});
