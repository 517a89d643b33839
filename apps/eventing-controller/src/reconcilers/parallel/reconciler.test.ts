import type { KubeObject } from '@knative-ts/kube';
import type { Parallel, ParallelBranch } from '@knative-ts/types';
import { reconcileOnce, testNow } from '../../testing/reconcile-once.js';
import { expectRow, type ReconcilerRow } from '../../testing/table-row.js';
import { flowInitialized, imc, imcTemplate, ownedBy, sub } from '../flows/testing.js';
import { makeBranchSubscription, makeFilterSubscription } from './resources/make-subscriptions.js';
import { ParallelReconciler } from './reconciler.js';

const owner = ownedBy('Parallel', 'par');
const svc = (name: string) => ({ ref: { apiVersion: 'v1', kind: 'Service', name } });
const twoBranches: ParallelBranch[] = [
  { filter: svc('even'), subscriber: svc('t-even') },
  { subscriber: svc('t-odd') },
];
function parallel(branches = twoBranches): Parallel {
  return {
    apiVersion: 'flows.knative.dev/v1',
    kind: 'Parallel',
    metadata: { namespace: 'demo', name: 'par', uid: 'par-uid', generation: 1 },
    spec: { channelTemplate: imcTemplate, branches, reply: svc('display') },
  };
}
function children(p: Parallel, ready: boolean): KubeObject[] {
  const out = [imc('par-kn-parallel', owner, ready)];
  (p.spec.branches ?? []).forEach((_b, i) => {
    out.push(imc(`par-kn-parallel-${i}`, owner, ready));
    out.push(
      sub(
        `par-kn-parallel-filter-${i}`,
        owner,
        makeFilterSubscription(p, imcTemplate, i).spec,
        ready,
      ),
    );
    out.push(
      sub(`par-kn-parallel-${i}`, owner, makeBranchSubscription(p, imcTemplate, i).spec, ready),
    );
  });
  return out;
}

const par2 = parallel();
const par1 = parallel(twoBranches.slice(0, 1));
const rows: ReconcilerRow[] = [
  {
    name: 'a spec the webhook would reject is Ready=False InvalidSpec naming the fields, and nothing is created',
    objects: [parallel([{ filter: { uri: 'relative' }, subscriber: {} }])],
    wantActions: ['updateStatus Parallel demo/par'],
    wantEvents: [
      'Warning InvalidSpec invalid value: relative: spec.branches[0].filter.uri\nRelative URI is not allowed when Ref and [apiVersion, kind, name] is absent\nexpected at least one, got none: spec.branches[0].subscriber.ref, spec.branches[0].subscriber.uri',
    ],
    wantConditions: { ...flowInitialized, Ready: 'False InvalidSpec' },
  },
  {
    name: 'creates the ingress channel, a channel per branch and two Subscriptions per branch',
    objects: [par2],
    wantActions: [
      'create InMemoryChannel demo/par-kn-parallel',
      'create InMemoryChannel demo/par-kn-parallel-0',
      'create InMemoryChannel demo/par-kn-parallel-1',
      'create Subscription demo/par-kn-parallel-filter-0',
      'create Subscription demo/par-kn-parallel-0',
      'create Subscription demo/par-kn-parallel-filter-1',
      'create Subscription demo/par-kn-parallel-1',
      'updateStatus Parallel demo/par',
    ],
    wantConditions: {
      Addressable: 'False emptyAddress',
      ChannelsReady: 'False ChannelsNotReady',
      EventPoliciesReady: 'True OIDCDisabled',
      Ready: 'False emptyAddress',
      SubscriptionsReady: 'False SubscriptionsNotReady',
    },
  },
  {
    name: 'is Ready once channels are addressable and Subscriptions Ready',
    objects: [par2, ...children(par2, true)],
    wantActions: ['updateStatus Parallel demo/par'],
    wantConditions: {
      Addressable: 'True',
      ChannelsReady: 'True',
      EventPoliciesReady: 'True OIDCDisabled',
      Ready: 'True',
      SubscriptionsReady: 'True',
    },
  },
  {
    name: 'deletes the channel and both Subscriptions of a removed branch',
    objects: [par1, ...children(par2, true)],
    wantActions: [
      'delete InMemoryChannel demo/par-kn-parallel-1',
      'delete Subscription demo/par-kn-parallel-filter-1',
      'delete Subscription demo/par-kn-parallel-1',
      'updateStatus Parallel demo/par',
    ],
  },
];

const run = (objects: KubeObject[]) =>
  reconcileOnce<Parallel>({
    objects,
    apiVersion: 'flows.knative.dev/v1',
    kind: 'Parallel',
    key: 'demo/par',
    reconciler: ({ client, references }) =>
      new ParallelReconciler({
        client,
        references,
        systemNamespace: 'knative-eventing',
        now: () => testNow,
      }),
  });
const parRef = {
  apiVersion: 'flows.knative.dev/v1',
  kind: 'Parallel',
  namespace: 'demo',
  name: 'par',
};

describe('ParallelReconciler', () => {
  it.each(rows)('$name', async (row) => {
    expectRow(await run(row.objects), row, parRef);
  });

  it('reports the ingress channel and every branch', async () => {
    const { client } = await run([par2, ...children(par2, true)]);
    const status = client.peek<Parallel>(parRef)?.status;
    const ref = (kind: string, name: string) => ({
      apiVersion: 'messaging.knative.dev/v1',
      kind,
      name,
      namespace: 'demo',
    });
    const ready = { type: 'Ready', status: 'True' };
    expect(status?.address?.url).toBe('http://par-kn-parallel-kn-channel.demo.svc.cluster.local');
    expect(status?.ingressChannelStatus).toEqual({
      channel: ref('InMemoryChannel', 'par-kn-parallel'),
      ready,
    });
    expect(status?.branchStatuses?.[1]).toEqual({
      filterChannelStatus: { channel: ref('InMemoryChannel', 'par-kn-parallel-1'), ready },
      filterSubscriptionStatus: {
        subscription: ref('Subscription', 'par-kn-parallel-filter-1'),
        ready,
      },
      subscriberSubscriptionStatus: {
        subscription: ref('Subscription', 'par-kn-parallel-1'),
        ready,
      },
    });
  });

  it('marks a channel without address NotAddressable', async () => {
    const { client } = await run([par1, ...children(par1, false)]);
    expect(client.peek<Parallel>(parRef)?.status?.ingressChannelStatus?.ready).toEqual({
      type: 'Ready',
      status: 'False',
      reason: 'NotAddressable',
      message: 'Channel is not addressable',
    });
  });

  it('updates a Subscription whose mutable fields changed', async () => {
    const changed = parallel([{ filter: svc('odd'), subscriber: svc('t-even') }]);
    const { actions, bodies } = await run([changed, ...children(par1, true)]);
    expect(actions).toEqual([
      'update Subscription demo/par-kn-parallel-filter-0',
      'updateStatus Parallel demo/par',
    ]);
    expect(bodies[0]).toMatchObject({ spec: { subscriber: svc('odd') } });
  });

  it('is idempotent once everything is ready', async () => {
    const first = await run([par2, ...children(par2, true)]);
    const settled = first.client.peek<Parallel>(parRef) as Parallel;
    expect((await run([settled, ...children(par2, true)])).actions).toEqual([]);
  });
});
