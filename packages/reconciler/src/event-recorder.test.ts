import { apiError, type KubeObject } from '@knative-ts/kube';
import { FakeKubeClient } from '@knative-ts/kube/testing';
import { EventRecorder, type EventRecorderOptions } from './event-recorder.js';
import { FakeClock } from './testing/fake-clock.js';

const obj = (uid: string, name = uid): KubeObject => ({
  apiVersion: 'messaging.knative.dev/v1',
  kind: 'Subscription',
  metadata: { namespace: 'demo', name, uid },
});
const notReady = { type: 'Warning', reason: 'NotReady', message: 'channel not ready' } as const;

function setup(options: Partial<EventRecorderOptions> = {}) {
  const client = new FakeKubeClient();
  const clock = new FakeClock();
  const recorder = new EventRecorder({ client, component: 'test', clock, ...options });
  const stored = () =>
    client.events.map((e) => {
      const { reason, count } = e as unknown as { reason: string; count: number };
      return `${reason} x${count}`;
    });
  const requests = () => client.actions.map((a) => `${a.verb} ${a.kind}`);
  return { client, clock, recorder, stored, requests };
}

describe('EventRecorder', () => {
  it('returns at once and sends the Event in the background', async () => {
    const { recorder, client, requests } = setup();
    recorder.record(obj('a'), notReady);
    expect(requests()).toEqual([]);
    await recorder.flush();
    expect(requests()).toEqual(['create Event']);
    expect(client.events[0]).toMatchObject({
      involvedObject: { kind: 'Subscription', name: 'a', uid: 'a' },
      type: 'Warning',
      reason: 'NotReady',
      message: 'channel not ready',
      source: { component: 'test' },
      count: 1,
    });
  });

  it('repeats while one is queued raise its count: one request for all of them', async () => {
    const { recorder, stored, requests } = setup();
    for (let i = 0; i < 50; i++) recorder.record(obj('a'), notReady);
    await recorder.flush();
    expect(requests()).toEqual(['create Event']);
    expect(stored()).toEqual(['NotReady x50']);
  });

  it('a repeat of a sent Event patches its count and lastTimestamp', async () => {
    const { recorder, client, clock, requests } = setup();
    recorder.record(obj('a'), notReady);
    await recorder.flush();
    await clock.advance(90_000);
    recorder.record(obj('a'), notReady);
    recorder.record(obj('a'), notReady);
    await recorder.flush();
    expect(requests()).toEqual(['create Event', 'patch Event']);
    expect(client.actions[1]?.body).toEqual({
      count: 3,
      lastTimestamp: new Date(clock.now()).toISOString().replace(/\.\d+Z$/, 'Z'),
    });
  });

  it('another message, reason or object is another Event', async () => {
    const { recorder, stored } = setup();
    recorder.record(obj('a'), notReady);
    recorder.record(obj('a'), { ...notReady, message: 'other' });
    recorder.record(obj('a'), { ...notReady, reason: 'Other' });
    recorder.record(obj('b'), notReady);
    await recorder.flush();
    expect(stored()).toEqual(['NotReady x1', 'NotReady x1', 'Other x1', 'NotReady x1']);
  });

  it('an expired Event (404 on patch) is created anew', async () => {
    const { recorder, client, requests } = setup();
    recorder.record(obj('a'), notReady);
    await recorder.flush();
    client.prependReactor('patch', 'Event', () =>
      apiError(404, 'NotFound', 'events "a.1" not found', { verb: 'patch' }),
    );
    recorder.record(obj('a'), notReady);
    await recorder.flush();
    expect(requests()).toEqual(['create Event', 'patch Event', 'create Event']);
  });

  it('per object, at most `burst` requests, then one per refill period', async () => {
    const { recorder, clock, stored } = setup({ burst: 2, refillMs: 60_000 });
    for (const message of ['m1', 'm2', 'm3']) recorder.record(obj('a'), { ...notReady, message });
    recorder.record(obj('b'), notReady);
    await recorder.flush();
    expect(stored()).toHaveLength(3);
    await clock.advance(60_000);
    recorder.record(obj('a'), { ...notReady, message: 'm4' });
    recorder.record(obj('a'), { ...notReady, message: 'm5' });
    await recorder.flush();
    expect(stored()).toHaveLength(4);
  });

  it('drops what does not fit the queue instead of growing it', async () => {
    const { recorder, stored } = setup({ maxQueued: 2 });
    for (const uid of ['a', 'b', 'c', 'd']) recorder.record(obj(uid), notReady);
    await recorder.flush();
    expect(stored()).toHaveLength(2);
  });

  it('a failed request is logged and the next events still go', async () => {
    const warnings: unknown[] = [];
    const logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: (fields: unknown) => warnings.push(fields),
      error: () => undefined,
    };
    const { recorder, client, stored } = setup({ logger });
    let failures = 1;
    client.prependReactor('create', 'Event', () =>
      failures-- > 0
        ? apiError(500, 'InternalError', 'etcd timeout', { verb: 'create' })
        : undefined,
    );
    recorder.record(obj('a'), notReady);
    recorder.record(obj('b'), notReady);
    await recorder.flush();
    expect(warnings).toHaveLength(1);
    expect(stored()).toEqual(['NotReady x1']);
  });
});
