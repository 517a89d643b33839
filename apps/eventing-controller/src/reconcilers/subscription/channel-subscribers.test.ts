import type { SubscriberSpec } from '@knative-ts/types';
import { channelFixture } from '../../testing/fixtures.js';
import type { Channelable } from './channel-lookup.js';
import {
  appliedChanges,
  changedSubscribers,
  subscribersPatch,
  type SubscriberChange,
} from './channel-subscribers.js';

const mine: SubscriberSpec = { uid: 'mine', generation: 1, subscriberUri: 'http://mine' };
const other: SubscriberSpec = { uid: 'other', generation: 1, subscriberUri: 'http://other' };
const withMine = { uid: mine.uid ?? '', entryFor: () => mine };

const channel = (subscribers: SubscriberSpec[] | undefined, generation = 1): Channelable =>
  channelFixture(subscribers, generation) as Channelable;

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

describe('appliedChanges', () => {
  const third: SubscriberSpec = { uid: 'third', generation: 1, subscriberUri: 'http://third' };
  it.each<[string, SubscriberSpec[], SubscriberChange[], string[] | undefined, boolean[]]>([
    [
      'each change applies to the list the ones before it left',
      [other],
      [withMine, { uid: 'third', entryFor: () => third }],
      ['other', 'mine', 'third'],
      [true, true],
    ],
    [
      'a change already in the list changes nothing, the others still apply',
      [mine],
      [withMine, { uid: 'other' }, { uid: 'third', entryFor: () => third }],
      ['mine', 'third'],
      [false, false, true],
    ],
    [
      'an add then a removal of the same entry',
      [other],
      [withMine, { uid: 'mine' }],
      ['other'],
      [true, true],
    ],
    ['nothing changed: no list', [mine], [withMine], undefined, [false]],
  ])('%s', (_name, subscribers, changes, want, changed) => {
    const got = appliedChanges(channel(subscribers), changes);
    expect(got.subscribers?.map((s) => s.uid)).toEqual(want);
    expect(got.changed).toEqual(changed);
  });
});
