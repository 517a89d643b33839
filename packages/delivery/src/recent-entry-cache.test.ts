import { RecentEntryCache } from './recent-entry-cache.js';

describe('RecentEntryCache', () => {
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => ({ name }));
  const twinOfA = { name: 'a' };

  it.each([
    { what: 'nothing set', capacity: 2, sets: [], key: a, want: undefined },
    { what: 'the key just set', capacity: 2, sets: [[a, 1]], key: a, want: 1 },
    {
      what: 'an equal but different object',
      capacity: 2,
      sets: [[a, 1]],
      key: twinOfA,
      want: undefined,
    },
    {
      what: 'an older key within capacity',
      capacity: 2,
      sets: [
        [a, 1],
        [b, 2],
      ],
      key: a,
      want: 1,
    },
    {
      what: 'the oldest key past capacity',
      capacity: 2,
      sets: [
        [a, 1],
        [b, 2],
        [c, 3],
      ],
      key: a,
      want: undefined,
    },
    {
      what: 'the newest key past capacity',
      capacity: 2,
      sets: [
        [a, 1],
        [b, 2],
        [c, 3],
      ],
      key: c,
      want: 3,
    },
    {
      what: 'a key set again (no second slot)',
      capacity: 2,
      sets: [
        [a, 1],
        [a, 3],
        [b, 2],
      ],
      key: a,
      want: 3,
    },
    {
      what: 'one entry: the previous key',
      capacity: 1,
      sets: [
        [a, 1],
        [b, 2],
      ],
      key: a,
      want: undefined,
    },
    {
      what: 'four entries: the first of four',
      capacity: 4,
      sets: [
        [a, 1],
        [b, 2],
        [c, 3],
        [d, 4],
      ],
      key: a,
      want: 1,
    },
  ] as Array<{
    what: string;
    capacity: number;
    sets: Array<[object, number]>;
    key: object;
    want: number | undefined;
  }>)('get: $what', ({ capacity, sets, key, want }) => {
    const cache = new RecentEntryCache<object, number>(capacity);
    for (const [k, v] of sets) cache.set(k, v);
    expect(cache.get(key)).toBe(want);
  });

  it.each([0, -1, 1.5])('refuses capacity %s', (capacity) => {
    expect(() => new RecentEntryCache(capacity)).toThrow(/positive integer/);
  });
});
