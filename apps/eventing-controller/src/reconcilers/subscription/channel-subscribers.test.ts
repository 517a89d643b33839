import { apiError, isConflict, isInvalid, type KubeObject } from '@knative-ts/kube';
import { FakeKubeClient } from '@knative-ts/kube/testing';
import type { SubscriberSpec } from '@knative-ts/types';
import type { Channelable } from './channel-lookup.js';
import {
  changedSubscribers,
  MaxSubscriberWrites,
  subscribersPatch,
  writeSubscribers,
  type SubscriberChange,
} from './channel-subscribers.js';

const ref = {
  apiVersion: 'messaging.knative.dev/v1',
  kind: 'InMemoryChannel',
  namespace: 'demo',
  name: 'c',
};
const mine: SubscriberSpec = { uid: 'mine', generation: 1, subscriberUri: 'http://mine' };
const other: SubscriberSpec = { uid: 'other', generation: 1, subscriberUri: 'http://other' };
const withMine = { uid: mine.uid ?? '', entryFor: () => mine };

function channel(subscribers: SubscriberSpec[] | undefined, generation = 1): Channelable {
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: { namespace: ref.namespace, name: ref.name, generation },
    spec: subscribers ? { subscribers } : {},
  };
}

/** A store whose channel moved on (generation 2) from `cached`, as another writer left it. */
function storeAt(stored: Channelable) {
  const client = new FakeKubeClient();
  client.seed(stored as KubeObject);
  return client;
}

const subscribersIn = (client: FakeKubeClient) =>
  client.peek<Channelable>(ref)?.spec?.subscribers?.map((s) => s.uid);
const verbs = (client: FakeKubeClient) => client.actions.map((a) => a.verb);

describe('subscribersPatch', () => {
  it.each<[string, Channelable, object[]]>([
    [
      'a channel with a spec: add replaces /spec/subscribers',
      channel([], 4),
      [
        { op: 'test', path: '/metadata/generation', value: 4 },
        { op: 'add', path: '/spec/subscribers', value: [mine] },
      ],
    ],
    [
      'a channel without a spec: add writes /spec',
      { ...channel([], 2), spec: undefined },
      [
        { op: 'test', path: '/metadata/generation', value: 2 },
        { op: 'add', path: '/spec', value: { subscribers: [mine] } },
      ],
    ],
  ])('%s', (_name, ch, want) => {
    expect(subscribersPatch(ch, [mine])).toEqual(want);
  });
});

describe('changedSubscribers', () => {
  const changed = { ...mine, generation: 2 };
  it.each<[string, SubscriberSpec[], SubscriberChange, string[] | undefined]>([
    ['adds a missing entry at the end', [other], withMine, ['other', 'mine']],
    ['leaves a current entry alone', [mine, other], withMine, undefined],
    [
      'replaces a changed entry in place',
      [mine, other],
      { uid: 'mine', entryFor: () => changed },
      ['mine', 'other'],
    ],
    ['removes an entry', [mine, other], { uid: 'mine' }, ['other']],
    ['removing a missing entry changes nothing', [other], { uid: 'mine' }, undefined],
  ])('%s', (_name, subscribers, change, want) => {
    expect(changedSubscribers(channel(subscribers), change)?.map((s) => s.uid)).toEqual(want);
  });
});

describe('writeSubscribers', () => {
  it('writes once when the cached channel is current', async () => {
    const client = storeAt(channel([other]));
    expect(await writeSubscribers(client, channel([other]), withMine)).toBe(true);
    expect(verbs(client)).toEqual(['patch']);
    expect(subscribersIn(client)).toEqual(['other', 'mine']);
  });

  it('a status write in between does not make it fail (no resourceVersion precondition)', async () => {
    const client = storeAt(channel([other]));
    const cached = client.peek<Channelable>(ref) as Channelable;
    await client.updateStatus({
      ...cached,
      status: { address: { url: 'http://c' } },
    } as KubeObject);
    expect(await writeSubscribers(client, cached, withMine)).toBe(true);
    expect(verbs(client)).toEqual(['updateStatus', 'patch']);
  });

  it('a stale cache: the test fails, it re-reads and keeps the other writer’s entry', async () => {
    const client = storeAt(channel([other], 2));
    expect(await writeSubscribers(client, channel([], 1), withMine)).toBe(true);
    expect(verbs(client)).toEqual(['patch', 'get', 'patch']);
    expect(subscribersIn(client)).toEqual(['other', 'mine']);
  });

  it('a stale cache whose fresh read already has the entry: writes nothing more', async () => {
    const client = storeAt(channel([mine], 2));
    expect(await writeSubscribers(client, channel([], 1), withMine)).toBe(false);
    expect(verbs(client)).toEqual(['patch', 'get']);
  });

  it('nothing to change: no request', async () => {
    const client = storeAt(channel([mine]));
    expect(await writeSubscribers(client, channel([mine]), withMine)).toBe(false);
    expect(verbs(client)).toEqual([]);
  });

  it('a patch refused at the same generation is that error, not a retry', async () => {
    const client = storeAt(channel([]));
    client.prependReactor('patch', ref.kind, () =>
      apiError(422, 'Invalid', 'spec.subscribers[0].subscriberUri: Invalid value', {
        verb: 'patch',
      }),
    );
    const err: unknown = await writeSubscribers(client, channel([]), withMine).catch((e) => e);
    expect(isInvalid(err)).toBe(true);
    expect(verbs(client)).toEqual(['patch', 'get']);
  });

  it(`gives up with a conflict after ${MaxSubscriberWrites} stale reads in a row`, async () => {
    const client = storeAt(channel([], 1));
    // Another writer changes the spec before every write of ours.
    let generation = 1;
    client.prependReactor('patch', ref.kind, () => {
      generation += 1;
      client.seed(channel([], generation) as KubeObject);
      return undefined;
    });
    const err: unknown = await writeSubscribers(client, channel([], 1), withMine).catch((e) => e);
    expect(isConflict(err)).toBe(true);
    expect(verbs(client).filter((v) => v === 'patch')).toHaveLength(MaxSubscriberWrites);
  });
});
