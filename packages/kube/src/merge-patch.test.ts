import { applyMergePatch, jsonEqual } from './merge-patch.js';

describe('applyMergePatch (RFC 7386 examples)', () => {
  it.each([
    { target: { a: 'b' }, patch: { a: 'c' }, want: { a: 'c' } },
    { target: { a: 'b' }, patch: { b: 'c' }, want: { a: 'b', b: 'c' } },
    { target: { a: 'b' }, patch: { a: null }, want: {} },
    { target: { a: { b: 'c' } }, patch: { a: { b: 'd', c: null } }, want: { a: { b: 'd' } } },
    { target: { a: [{ b: 'c' }] }, patch: { a: [1] }, want: { a: [1] } },
    { target: ['a', 'b'], patch: ['c', 'd'], want: ['c', 'd'] },
    { target: { a: 'foo' }, patch: 'bar', want: 'bar' },
  ])('$target + $patch', ({ target, patch, want }) => {
    expect(applyMergePatch(target, patch)).toEqual(want);
  });
});

describe('jsonEqual', () => {
  it.each([
    { a: { x: 1, y: [1, 2] }, b: { y: [1, 2], x: 1 }, want: true },
    { a: { x: 1, z: undefined }, b: { x: 1 }, want: true },
    { a: [1, 2], b: [2, 1], want: false },
    { a: { x: { y: 1 } }, b: { x: { y: 2 } }, want: false },
    { a: null, b: {}, want: false },
  ])('$a vs $b → $want', ({ a, b, want }) => {
    expect(jsonEqual(a, b)).toBe(want);
  });
});
