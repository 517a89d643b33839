import type { Lease } from '@knative-ts/kube';
import { FakeKubeClient } from '@knative-ts/kube/testing';
import { LeaderElector } from './leader-election.js';
import { FakeClock, flush } from './testing/fake-clock.js';

const leaseRef = {
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  namespace: 'ns',
  name: 'ctl',
};

function elector(client: FakeKubeClient, clock: FakeClock, identity: string, log: string[]) {
  return new LeaderElector({
    client,
    clock,
    namespace: 'ns',
    name: 'ctl',
    identity,
    random: () => 0,
    onStartedLeading: () => log.push(`${identity} started`),
    onStoppedLeading: () => log.push(`${identity} stopped`),
  });
}

const holder = (client: FakeKubeClient) => client.peek<Lease>(leaseRef)?.spec?.holderIdentity;

describe('LeaderElector', () => {
  it('creates the lease, renews it every retry period and releases it on stop', async () => {
    const clock = new FakeClock();
    const client = new FakeKubeClient();
    const log: string[] = [];
    const a = elector(client, clock, 'a', log);
    a.start();
    await flush();
    expect(log).toEqual(['a started']);
    expect(client.peek<Lease>(leaseRef)?.spec).toMatchObject({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      leaseTransitions: 0,
      renewTime: '2025-01-01T00:00:00.000000Z',
    });
    await clock.advance(2_000);
    expect(client.peek<Lease>(leaseRef)?.spec?.renewTime).toBe('2025-01-01T00:00:02.000000Z');
    await a.stop();
    expect(log).toEqual(['a started', 'a stopped']);
    expect(client.peek<Lease>(leaseRef)?.spec).toMatchObject({
      holderIdentity: '',
      leaseDurationSeconds: 1,
    });
  });

  it('lets only one of two candidates lead, and the other take over after a release', async () => {
    const clock = new FakeClock();
    const client = new FakeKubeClient();
    const log: string[] = [];
    const a = elector(client, clock, 'a', log);
    const b = elector(client, clock, 'b', log);
    a.start();
    await flush();
    b.start();
    await clock.advance(20_000);
    expect(log).toEqual(['a started']);
    expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
    await a.stop();
    // b sees a changed record (released), whose 1 s duration must pass on b's clock.
    await clock.advance(4_000);
    expect(log).toEqual(['a started', 'a stopped', 'b started']);
    expect(holder(client)).toBe('b');
    expect(client.peek<Lease>(leaseRef)?.spec?.leaseTransitions).toBe(1);
    await b.stop();
  });

  it('takes over an expired lease of a crashed leader', async () => {
    const clock = new FakeClock();
    const client = new FakeKubeClient({
      objects: [
        {
          ...leaseRef,
          metadata: { namespace: 'ns', name: 'ctl' },
          spec: { holderIdentity: 'dead', leaseDurationSeconds: 15, leaseTransitions: 3 },
        } as Lease,
      ],
    });
    const log: string[] = [];
    const b = elector(client, clock, 'b', log);
    b.start();
    await clock.advance(14_000);
    expect(log).toEqual([]);
    await clock.advance(2_000);
    expect(log).toEqual(['b started']);
    expect(client.peek<Lease>(leaseRef)?.spec).toMatchObject({
      holderIdentity: 'b',
      leaseTransitions: 4,
    });
    await b.stop();
  });

  it('stops leading when renewals fail for the renew deadline', async () => {
    const clock = new FakeClock();
    const client = new FakeKubeClient();
    const log: string[] = [];
    const a = elector(client, clock, 'a', log);
    a.start();
    await flush();
    client.prependReactor('update', 'Lease', () => new Error('apiserver unreachable'));
    await clock.advance(8_000);
    expect(log).toEqual(['a started']);
    await clock.advance(2_000);
    expect(log).toEqual(['a started', 'a stopped']);
    expect(a.isLeader()).toBe(false);
    await a.stop();
    expect(log).toEqual(['a started', 'a stopped']);
  });

  it('rejects timings that cannot work', () => {
    const client = new FakeKubeClient();
    expect(
      () =>
        new LeaderElector({
          client,
          namespace: 'ns',
          name: 'x',
          identity: 'a',
          leaseDurationMs: 5_000,
          renewDeadlineMs: 10_000,
          onStartedLeading: () => undefined,
          onStoppedLeading: () => undefined,
        }),
    ).toThrow(/leaseDuration > renewDeadline > retryPeriod/);
  });
});
