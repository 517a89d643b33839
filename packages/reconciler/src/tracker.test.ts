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

  it('a change filter decides for updates only; adds and deletes always re-queue', () => {
    const enqueued: string[] = [];
    const tracker = new Tracker({ enqueue: (k) => enqueued.push(k), leaseMs: 60_000 });
    const labelled = (label: string): KubeObject => ({
      ...channel('c'),
      metadata: { ...channel('c').metadata, labels: { l: label } },
    });
    // ns/a cares only about the label, ns/b about everything.
    tracker.track(ref, 'ns/a', (old, obj) => old.metadata.labels?.l !== obj.metadata.labels?.l);
    tracker.track(ref, 'ns/b');
    const { onAdd, onUpdate, onDelete } = tracker.handlers();
    onUpdate(labelled('x'), labelled('x'));
    expect(enqueued).toEqual(['ns/b']);
    onUpdate(labelled('x'), labelled('y'));
    expect(enqueued).toEqual(['ns/b', 'ns/a', 'ns/b']);
    enqueued.length = 0;
    onAdd(labelled('y'));
    onDelete(labelled('y'));
    expect(enqueued).toEqual(['ns/a', 'ns/b', 'ns/a', 'ns/b']);
  });

  it('tracking again replaces the filter', () => {
    const enqueued: string[] = [];
    const tracker = new Tracker({ enqueue: (k) => enqueued.push(k), leaseMs: 60_000 });
    tracker.track(ref, 'ns/a', () => false);
    tracker.handlers().onUpdate(channel('c'), channel('c'));
    tracker.track(ref, 'ns/a');
    tracker.handlers().onUpdate(channel('c'), channel('c'));
    expect(enqueued).toEqual(['ns/a']);
  });
});
