import { apiError, isConflict, isInvalid, isNotFound, type KubeObject } from '@knative-ts/kube';
import { FakeKubeClient } from '@knative-ts/kube/testing';
import type { SubscriberSpec } from '@knative-ts/types';
import { channelFixture } from '../../testing/fixtures.js';
import type { Channelable } from './channel-lookup.js';
import type { SubscriberChange } from './channel-subscribers.js';
import { MaxSubscriberWrites, SubscriberWriter } from './subscriber-writer.js';

const ref = {
  apiVersion: 'messaging.knative.dev/v1',
  kind: 'InMemoryChannel',
  namespace: 'demo',
  name: 'c',
};
const entry = (uid: string): SubscriberSpec => ({
  uid,
  generation: 1,
  subscriberUri: `http://${uid}`,
});
const adding = (uid: string): SubscriberChange => ({ uid, entryFor: () => entry(uid) });
const mine = entry('mine');
const other = entry('other');
const withMine = adding('mine');

const channel = (subscribers: SubscriberSpec[] | undefined, generation = 1): Channelable =>
  channelFixture(subscribers, generation) as Channelable;

/** A store holding `stored` (e.g. a channel another writer moved on from the cached copy). */
function storeAt(stored: Channelable) {
  const client = new FakeKubeClient();
  client.seed(stored as KubeObject);
  return client;
}

const subscribersIn = (client: FakeKubeClient) =>
  client.peek<Channelable>(ref)?.spec?.subscribers?.map((s) => s.uid);
const verbs = (client: FakeKubeClient) => client.actions.map((a) => a.verb);
/** The uids each patch wrote, in order. */
const patchedUids = (client: FakeKubeClient) =>
  client.actions
    .filter((a) => a.verb === 'patch')
    .map((a) => {
      const ops = a.body as { op: string; value?: { uid: string }[] }[];
      return ops.find((o) => o.op === 'add')?.value?.map((s) => s.uid);
    });

/** Refuses (422 at the same generation) every patch whose list holds `uid`. */
function refuseEntry(client: FakeKubeClient, uid: string) {
  client.prependReactor('patch', ref.kind, (action) => {
    const ops = action.body as { op: string; value?: { uid: string }[] }[];
    const list = ops.find((o) => o.op === 'add')?.value ?? [];
    if (!list.some((s) => s.uid === uid)) return undefined;
    return apiError(422, 'Invalid', `spec.subscribers: ${uid} is not allowed`, { verb: 'patch' });
  });
}

describe('SubscriberWriter', () => {
  it('writes once when the cached channel is current', async () => {
    const client = storeAt(channel([other]));
    expect(await new SubscriberWriter(client).write(channel([other]), withMine)).toBe(true);
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
    expect(await new SubscriberWriter(client).write(cached, withMine)).toBe(true);
    expect(verbs(client)).toEqual(['updateStatus', 'patch']);
  });

  it('a stale cache: the test fails, it re-reads and keeps the other writer’s entry', async () => {
    const client = storeAt(channel([other], 2));
    expect(await new SubscriberWriter(client).write(channel([], 1), withMine)).toBe(true);
    expect(verbs(client)).toEqual(['patch', 'get', 'patch']);
    expect(subscribersIn(client)).toEqual(['other', 'mine']);
  });

  it('a stale cache whose fresh read already has the entry: writes nothing more', async () => {
    const client = storeAt(channel([mine], 2));
    expect(await new SubscriberWriter(client).write(channel([], 1), withMine)).toBe(false);
    expect(verbs(client)).toEqual(['patch', 'get']);
  });

  it('nothing to change: no request', async () => {
    const client = storeAt(channel([mine]));
    expect(await new SubscriberWriter(client).write(channel([mine]), withMine)).toBe(false);
    expect(verbs(client)).toEqual([]);
  });

  it('changes asked while a patch is in flight go out together in the next one', async () => {
    const client = storeAt(channel([]));
    const writer = new SubscriberWriter(client);
    const cached = channel([]);
    const written = await Promise.all(
      ['a', 'b', 'c', 'd'].map((uid) => writer.write(cached, adding(uid))),
    );
    expect(written).toEqual([true, true, true, true]);
    // The first went alone; the three behind it shared one patch, built on the first's
    // answer (no stale read, no GET).
    expect(patchedUids(client)).toEqual([['a'], ['a', 'b', 'c', 'd']]);
    expect(verbs(client)).toEqual(['patch', 'patch']);
  });

  it('in one batch, a change that changes nothing resolves false and the others true', async () => {
    const client = storeAt(channel([mine]));
    const writer = new SubscriberWriter(client);
    const cached = channel([mine]);
    const results = await Promise.all([
      writer.write(cached, adding('a')),
      writer.write(cached, withMine),
      writer.write(cached, adding('b')),
      writer.write(cached, { uid: 'mine' }),
    ]);
    expect(results).toEqual([true, false, true, true]);
    expect(subscribersIn(client)).toEqual(['a', 'b']);
  });

  it('a refused entry fails only its own write: the batch is split and the rest land', async () => {
    const client = storeAt(channel([]));
    refuseEntry(client, 'bad');
    const writer = new SubscriberWriter(client);
    const cached = channel([]);
    const results = await Promise.allSettled(
      ['first', 'good', 'bad', 'also-good'].map((uid) => writer.write(cached, adding(uid))),
    );
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(isInvalid((results[2] as PromiseRejectedResult).reason)).toBe(true);
    expect(subscribersIn(client)).toEqual(['first', 'good', 'also-good']);
  });

  it('a patch refused at the same generation is that error, not a retry', async () => {
    const client = storeAt(channel([]));
    refuseEntry(client, 'mine');
    const err: unknown = await new SubscriberWriter(client)
      .write(channel([]), withMine)
      .catch((e: unknown) => e);
    expect(isInvalid(err)).toBe(true);
    expect(verbs(client)).toEqual(['patch', 'get']);
  });

  it('an error other than a failed test reaches every write of the batch', async () => {
    const client = new FakeKubeClient();
    const writer = new SubscriberWriter(client);
    const results = await Promise.allSettled(
      ['a', 'b', 'c'].map((uid) => writer.write(channel([]), adding(uid))),
    );
    expect(results.every((r) => r.status === 'rejected' && isNotFound(r.reason))).toBe(true);
  });

  it('an entry builder that throws rejects its batch instead of leaving it waiting', async () => {
    const client = storeAt(channel([]));
    const writer = new SubscriberWriter(client);
    const broken: SubscriberChange = {
      uid: 'broken',
      entryFor: () => {
        throw new Error('no entry');
      },
    };
    const results = await Promise.allSettled([
      writer.write(channel([]), withMine),
      writer.write(channel([]), broken),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    // The writer is usable afterwards.
    expect(await writer.write(channel([mine]), adding('later'))).toBe(true);
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
    const err: unknown = await new SubscriberWriter(client)
      .write(channel([], 1), withMine)
      .catch((e: unknown) => e);
    expect(isConflict(err)).toBe(true);
    expect(verbs(client).filter((v) => v === 'patch')).toHaveLength(MaxSubscriberWrites);
  });
});
