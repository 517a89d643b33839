import { LastEntryCache } from './last-entry-cache.js';

describe('LastEntryCache', () => {
  const a = { name: 'a' };
  const b = { name: 'b' };
  const twinOfA = { name: 'a' };

  it.each([
    { what: 'nothing set', sets: [], key: a, want: undefined },
    { what: 'the key just set', sets: [[a, 1]], key: a, want: 1 },
    { what: 'an equal but different object', sets: [[a, 1]], key: twinOfA, want: undefined },
    { what: 'a key replaced by a newer one', sets: [[a, 1], [b, 2]], key: a, want: undefined },
    { what: 'the newer key', sets: [[a, 1], [b, 2]], key: b, want: 2 },
    { what: 'a key set again', sets: [[a, 1], [a, 3]], key: a, want: 3 },
  ] as Array<{ what: string; sets: Array<[object, number]>; key: object; want: number | undefined }>)(
    'get: $what',
    ({ sets, key, want }) => {
      const cache = new LastEntryCache<object, number>();
      for (const [k, v] of sets) cache.set(k, v);
      expect(cache.get(key)).toBe(want);
    },
  );
});
