import type { Parallel, ParallelBranch } from '@knative-ts/types';
import { makeBranchSubscription, makeFilterSubscription } from './make-subscriptions.js';

const imc = { apiVersion: 'messaging.knative.dev/v1', kind: 'InMemoryChannel' };
const svc = (name: string) => ({ ref: { apiVersion: 'v1', kind: 'Service', name } });
const delivery = { retry: 2 };
function parallel(branches: ParallelBranch[], reply?: Parallel['spec']['reply']): Parallel {
  return {
    apiVersion: 'flows.knative.dev/v1',
    kind: 'Parallel',
    metadata: { namespace: 'demo', name: 'par', uid: 'par-uid' },
    spec: { channelTemplate: imc, branches, ...(reply ? { reply } : {}) },
  };
}
const ingress = { ...imc, name: 'par-kn-parallel' };
const branchChannel = (i: number) => ({ ...imc, name: `par-kn-parallel-${i}` });
const toBranch = (i: number) => ({ ref: { ...branchChannel(i), namespace: 'demo' } });

describe('makeFilterSubscription', () => {
  it.each([
    [
      'a filter subscribes to the ingress channel and replies into the branch channel',
      parallel([{ filter: svc('even'), subscriber: svc('t') }]),
      { channel: ingress, subscriber: svc('even'), reply: toBranch(0) },
    ],
    [
      'without a filter the branch channel itself is the subscriber',
      parallel([{ subscriber: svc('t') }]),
      { channel: ingress, subscriber: toBranch(0) },
    ],
  ])('%s', (_name, p, spec) => {
    const sub = makeFilterSubscription(p, imc, 0);
    expect(sub.metadata.name).toBe('par-kn-parallel-filter-0');
    expect(sub.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Parallel', uid: 'par-uid' });
    expect(sub.spec).toEqual(spec);
  });
});

describe('makeBranchSubscription', () => {
  it.each([
    [
      'the branch reply wins over spec.reply',
      parallel([{ subscriber: svc('t'), reply: svc('branch-reply'), delivery }], svc('global')),
      { channel: branchChannel(0), subscriber: svc('t'), delivery, reply: svc('branch-reply') },
    ],
    [
      'spec.reply when the branch has none',
      parallel([{ subscriber: svc('t') }], svc('global')),
      { channel: branchChannel(0), subscriber: svc('t'), reply: svc('global') },
    ],
    [
      'no reply at all',
      parallel([{ subscriber: { uri: 'http://t' } }]),
      { channel: branchChannel(0), subscriber: { uri: 'http://t' } },
    ],
  ])('%s', (_name, p, spec) => {
    const sub = makeBranchSubscription(p, imc, 0);
    expect(sub.metadata.name).toBe('par-kn-parallel-0');
    expect(sub.spec).toEqual(spec);
  });

  it('refuses a branch that does not exist', () => {
    expect(() => makeBranchSubscription(parallel([]), imc, 0)).toThrow(
      'Parallel demo/par has no branch 0',
    );
  });
});
