import { applyJsonPatch, JsonPatchError, type JsonPatchOperation } from './json-patch.js';

const doc = { metadata: { generation: 3 }, spec: { subscribers: [{ uid: 'a' }], 'x/y': 1 } };

describe('applyJsonPatch', () => {
  it.each<[string, JsonPatchOperation[], unknown]>([
    [
      'a passing test, then add replacing a member',
      [
        { op: 'test', path: '/metadata/generation', value: 3 },
        { op: 'add', path: '/spec/subscribers', value: [{ uid: 'b' }] },
      ],
      { metadata: { generation: 3 }, spec: { subscribers: [{ uid: 'b' }], 'x/y': 1 } },
    ],
    [
      'add appends to an array with -',
      [{ op: 'add', path: '/spec/subscribers/-', value: { uid: 'b' } }],
      { ...doc, spec: { ...doc.spec, subscribers: [{ uid: 'a' }, { uid: 'b' }] } },
    ],
    [
      'add inserts at an index',
      [{ op: 'add', path: '/spec/subscribers/0', value: { uid: 'b' } }],
      { ...doc, spec: { ...doc.spec, subscribers: [{ uid: 'b' }, { uid: 'a' }] } },
    ],
    [
      'replace and remove, with an escaped token',
      [
        { op: 'replace', path: '/spec/x~1y', value: 2 },
        { op: 'remove', path: '/spec/subscribers/0' },
      ],
      { ...doc, spec: { subscribers: [], 'x/y': 2 } },
    ],
  ])('%s', (_name, operations, want) => {
    expect(applyJsonPatch(doc, operations)).toEqual(want);
  });

  it.each<[string, JsonPatchOperation[], string]>([
    [
      'a failed test',
      [{ op: 'test', path: '/metadata/generation', value: 2 }],
      'test of "/metadata/generation" failed',
    ],
    [
      'replace of a missing member',
      [{ op: 'replace', path: '/spec/z', value: 1 }],
      'does not exist',
    ],
    ['add under a missing parent', [{ op: 'add', path: '/status/a', value: 1 }], 'does not exist'],
    ['an index past the end', [{ op: 'remove', path: '/spec/subscribers/1' }], 'out of bounds'],
    ['a path without /', [{ op: 'remove', path: 'spec' }], 'does not start with /'],
  ])('refuses %s', (_name, operations, message) => {
    expect(() => applyJsonPatch(doc, operations)).toThrow(JsonPatchError);
    expect(() => applyJsonPatch(doc, operations)).toThrow(message);
  });

  it('applies all or nothing and leaves its input alone', () => {
    const input = structuredClone(doc);
    expect(() =>
      applyJsonPatch(input, [
        { op: 'add', path: '/spec/subscribers/-', value: { uid: 'b' } },
        { op: 'test', path: '/metadata/generation', value: 9 },
      ]),
    ).toThrow(JsonPatchError);
    expect(input).toEqual(doc);
  });
});
