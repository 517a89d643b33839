import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { StringInterner } from './string-interner.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const heapUsedAfterGc = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

/** What `count` parsed objects carrying the same `url` occupy, with or without interning. */
function heapOfParsedCopies(url: string, count: number, interner?: StringInterner): number {
  const before = heapUsedAfterGc();
  const objects: unknown[] = [];
  for (let i = 0; i < count; i++) {
    // Each object also carries a value of its own, as a uid is, which the table must not
    // let push the shared one out.
    const json = `{"metadata":{"uid":"uid-${i}"},"spec":{"subscriber":{"uri":"${url}"}}}`;
    const obj: unknown = JSON.parse(json);
    interner?.internAll(obj);
    objects.push(obj);
  }
  const held = heapUsedAfterGc() - before;
  expect(objects).toHaveLength(count);
  return held;
}

describe('StringInterner', () => {
  it('keeps one copy of a value that many parsed objects carry', () => {
    const url = `http://broker-filter.knative-eventing.svc.cluster.local/triggers/${'x'.repeat(200)}`;
    const copies = heapOfParsedCopies(url, 5_000);
    const shared = heapOfParsedCopies(url, 5_000, new StringInterner(64));
    // 5,000 copies of a ~270-byte string are about 1.3 MiB; shared they are one.
    expect(copies - shared).toBeGreaterThan(5_000 * url.length * 0.8);
  });

  it.each([
    ['nested objects', { a: { b: 'x', c: { d: 'y' } } }],
    ['arrays of strings and objects', { list: ['x', { y: 'z' }, ['w']] }],
    ['values that are not strings', { n: 1, t: true, z: null, s: 'x', e: [] }],
  ])('leaves %s equal to what was parsed', (_, value) => {
    const copy = structuredClone(value);
    new StringInterner().internAll(copy);
    expect(copy).toEqual(value);
  });

  it('counts each distinct value once', () => {
    const interner = new StringInterner();
    for (const value of ['a', 'b', 'a', 'c', 'b']) interner.intern(value);
    expect(interner.size).toBe(3);
  });

  it('holds at most two generations, however many values pass', () => {
    const interner = new StringInterner(100);
    for (let i = 0; i < 1_000; i++) interner.intern(`value-${i}`);
    expect(interner.size).toBeLessThanOrEqual(200);
  });

  it('does not store values longer than its limit', () => {
    const interner = new StringInterner(100, 8);
    interner.intern('short');
    interner.intern('much longer than eight');
    expect(interner.size).toBe(1);
  });
});
