import {
  isDestinationEmpty,
  validateDestination,
  validateKReference,
} from './destination-validation.js';
import type { Destination, KReference } from './duck.js';

const ref: KReference = { apiVersion: 'v1', kind: 'Service', name: 'svc' };

describe('validateDestination', () => {
  it.each<[string, Destination, { path: string; message: string }[]]>([
    ['ref only', { ref }, []],
    ['absolute uri only', { uri: 'http://example.com/x' }, []],
    ['ref with relative uri', { ref, uri: '/path' }, []],
    ['neither', {}, [{ path: 'ref, uri', message: 'expected at least one, got none' }]],
    [
      'ref with absolute uri',
      { ref, uri: 'http://example.com' },
      [
        {
          path: 'ref, uri',
          message: 'Absolute URI is not allowed when Ref or [apiVersion, kind, name] is present',
        },
      ],
    ],
    ['relative uri alone', { uri: '/path' }, [{ path: 'uri', message: 'invalid value: /path' }]],
    [
      'uri without host',
      { uri: 'mailto:x' },
      [{ path: 'uri', message: 'invalid value: mailto:x' }],
    ],
    [
      'incomplete ref',
      { ref: { apiVersion: '', kind: '', name: '' } },
      [
        { path: 'ref.name', message: 'missing field(s)' },
        { path: 'ref.apiVersion', message: 'missing field(s)' },
        { path: 'ref.kind', message: 'missing field(s)' },
      ],
    ],
  ])('%s', (_n, dest, want) => {
    expect(validateDestination(dest).map(({ path, message }) => ({ path, message }))).toEqual(want);
  });
});

describe('validateKReference', () => {
  it.each<[string, KReference, Parameters<typeof validateKReference>[1], string[]]>([
    ['same namespace', { ...ref, namespace: 'a' }, { parentNamespace: 'a' }, []],
    ['no namespace', ref, { parentNamespace: 'a' }, []],
    ['other namespace', { ...ref, namespace: 'b' }, { parentNamespace: 'a' }, ['namespace']],
    [
      'other namespace with cross-namespace links',
      { ...ref, namespace: 'b' },
      { parentNamespace: 'a', features: { crossNamespaceEventLinks: true } },
      [],
    ],
    [
      'other namespace allowed by parent',
      { ...ref, namespace: 'b' },
      { parentNamespace: 'a', allowDifferentNamespace: true },
      [],
    ],
    ['group without flag', { ...ref, apiVersion: '', group: 'x' }, {}, ['apiVersion']],
    [
      'group with kreference-group',
      { ...ref, apiVersion: '', group: 'x' },
      { features: { kreferenceGroup: true } },
      [],
    ],
  ])('%s', (_n, r, ctx, paths) => {
    expect(validateKReference(r, ctx).map((e) => e.path)).toEqual(paths);
  });
});

describe('isDestinationEmpty', () => {
  it.each<[Destination | undefined, boolean]>([
    [undefined, true],
    [{}, true],
    [{ uri: 'http://x' }, false],
    [{ CACerts: 'pem' }, false],
  ])('%j → %s', (d, want) => {
    expect(isDestinationEmpty(d)).toBe(want);
  });
});
