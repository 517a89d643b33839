import type { Channelable } from './channel-lookup.js';
import { subscriberChangeFilter } from './channel-change-filter.js';

const entry = (uid: string, generation = 1) => ({
  uid,
  generation,
  subscriberUri: `http://${uid}`,
});
const ready = (uid: string, status: 'True' | 'Unknown' = 'True') => ({
  uid,
  observedGeneration: 1,
  ready: status,
});

/** A channel at generation `g` with both lists, written by a dispatcher and the controller. */
function channel(
  spec: ReturnType<typeof entry>[],
  status: ReturnType<typeof ready>[],
  extra: { g?: number; rv?: string; url?: string; delivery?: object; labels?: object } = {},
): Channelable {
  return {
    apiVersion: 'messaging.knative.dev/v1',
    kind: 'InMemoryChannel',
    metadata: {
      namespace: 'ns',
      name: 'c',
      generation: extra.g ?? 1,
      resourceVersion: extra.rv ?? '1',
      ...(extra.labels && { labels: extra.labels }),
    },
    spec: { subscribers: spec, ...(extra.delivery && { delivery: extra.delivery }) },
    status: {
      observedGeneration: extra.g ?? 1,
      address: { url: extra.url ?? 'http://c' },
      subscribers: status,
    },
  } as Channelable;
}

const before = channel([entry('mine'), entry('other')], [ready('mine'), ready('other')]);

describe('subscriberChangeFilter', () => {
  it.each<[string, Channelable, boolean]>([
    [
      'another entry added to spec.subscribers (and generation, resourceVersion moved)',
      channel([entry('mine'), entry('other'), entry('new')], [ready('mine'), ready('other')], {
        g: 2,
        rv: '2',
      }),
      false,
    ],
    [
      "another entry's status changed",
      channel([entry('mine'), entry('other')], [ready('mine'), ready('other', 'Unknown')]),
      false,
    ],
    [
      'another entry removed from both lists',
      channel([entry('mine')], [ready('mine')], { g: 2 }),
      false,
    ],
    [
      'only observedGeneration and resourceVersion moved',
      { ...before, metadata: { ...before.metadata, resourceVersion: '9' } },
      false,
    ],
    [
      'its own spec entry changed',
      channel([entry('mine', 2), entry('other')], [ready('mine'), ready('other')], { g: 2 }),
      true,
    ],
    [
      'its own spec entry removed',
      channel([entry('other')], [ready('mine'), ready('other')]),
      true,
    ],
    [
      'its own status entry changed',
      channel([entry('mine'), entry('other')], [ready('mine', 'Unknown'), ready('other')]),
      true,
    ],
    [
      'the channel address changed',
      channel([entry('mine'), entry('other')], [ready('mine'), ready('other')], {
        url: 'http://moved',
      }),
      true,
    ],
    [
      'the channel delivery changed (its entry is built from it)',
      channel([entry('mine'), entry('other')], [ready('mine'), ready('other')], {
        delivery: { retry: 3 },
      }),
      true,
    ],
    [
      'a label changed',
      channel([entry('mine'), entry('other')], [ready('mine'), ready('other')], {
        labels: { a: 'b' },
      }),
      true,
    ],
  ])('%s: %s', (_name, after, want) => {
    expect(subscriberChangeFilter('mine')(before, after)).toBe(want);
  });

  it('one update, many Subscriptions: each sees its own entries', () => {
    const after = channel([entry('mine'), entry('other', 2)], [ready('mine'), ready('other')], {
      g: 2,
    });
    expect(subscriberChangeFilter('mine')(before, after)).toBe(false);
    expect(subscriberChangeFilter('other')(before, after)).toBe(true);
    // A later update from the same object is summarised anew.
    const later = channel([entry('mine', 3), entry('other', 2)], [ready('mine'), ready('other')]);
    expect(subscriberChangeFilter('mine')(after, later)).toBe(true);
  });
});
