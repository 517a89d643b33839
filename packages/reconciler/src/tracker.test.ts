import type { KubeObject } from '@knative-ts/kube';
import { FakeClock } from './testing/fake-clock.js';
import { Tracker } from './tracker.js';

const channel = (name: string, apiVersion = 'messaging.knative.dev/v1'): KubeObject => ({
  apiVersion,
  kind: 'Channel',
  metadata: { namespace: 'ns', name },
});
const ref = { apiVersion: 'messaging.knative.dev/v1', kind: 'Channel', namespace: 'ns', name: 'c' };

describe('Tracker', () => {
  it.each([
    { what: 'the tracked object', obj: channel('c'), advanceMs: 0, want: ['ns/sub'] },
    {
      what: 'another version of it',
      obj: channel('c', 'messaging.knative.dev/v1beta1'),
      advanceMs: 0,
      want: ['ns/sub'],
    },
    { what: 'another object', obj: channel('d'), advanceMs: 0, want: [] },
    { what: 'the object after the lease expired', obj: channel('c'), advanceMs: 60_000, want: [] },
  ])('on a change of $what enqueues $want', async ({ obj, advanceMs, want }) => {
    const clock = new FakeClock();
    const enqueued: string[] = [];
    const tracker = new Tracker({ enqueue: (k) => enqueued.push(k), leaseMs: 60_000, clock });
    tracker.track(ref, 'ns/sub');
    await clock.advance(advanceMs);
    tracker.onChanged(obj);
    expect(enqueued).toEqual(want);
  });

  it('renews a track when the owner tracks again, and forgets untracked owners', async () => {
    const clock = new FakeClock();
    const enqueued: string[] = [];
    const tracker = new Tracker({ enqueue: (k) => enqueued.push(k), leaseMs: 10_000, clock });
    tracker.track(ref, 'ns/a');
    tracker.track(ref, 'ns/b');
    await clock.advance(8_000);
    tracker.track(ref, 'ns/a');
    await clock.advance(8_000);
    tracker.handlers().onAdd(channel('c'));
    expect(enqueued).toEqual(['ns/a']);
    tracker.untrackOwner('ns/a');
    tracker.onChanged(channel('c'));
    expect(enqueued).toEqual(['ns/a']);
  });
});
