import type { SubscriptionsAPIFilter, TriggerSpec } from '@knative-ts/types';
import { EventFilterErrorCode } from '../errors.js';
import { compileTriggerFilter } from './trigger-filter.js';

const base = {
  specversion: '1.0',
  id: 'id-1',
  source: '/orders',
  type: 'com.example.order.created',
};
const ev = (extra: Record<string, string> = {}) => ({ attributes: { ...base, ...extra } });

type Spec = Pick<TriggerSpec, 'filter' | 'filters'>;

function matches(spec: Spec, extra?: Record<string, string>): boolean {
  const c = compileTriggerFilter(spec);
  if (!c.ok) throw new Error(JSON.stringify(c.errors));
  return c.matches(ev(extra));
}

const F = (...filters: SubscriptionsAPIFilter[]): Spec => ({ filters });
const TYPE = { exact: { type: 'com.example.order.created' } };
const OTHER = { exact: { type: 'other' } };

describe('filter.attributes', () => {
  it.each<[string, Spec, Record<string, string> | undefined, boolean]>([
    ['no filter at all', {}, undefined, true],
    ['empty filter object', { filter: {} }, undefined, true],
    ['empty attributes', { filter: { attributes: {} } }, undefined, true],
    [
      'exact type',
      { filter: { attributes: { type: 'com.example.order.created' } } },
      undefined,
      true,
    ],
    ['wrong type', { filter: { attributes: { type: 'com.example.order' } } }, undefined, false],
    [
      'case-sensitive',
      { filter: { attributes: { type: 'COM.example.order.created' } } },
      undefined,
      false,
    ],
    [
      'two keys both match',
      { filter: { attributes: { type: base.type, source: '/orders' } } },
      undefined,
      true,
    ],
    [
      'two keys, one differs',
      { filter: { attributes: { type: base.type, source: '/x' } } },
      undefined,
      false,
    ],
    ['extension exact', { filter: { attributes: { region: 'eu' } } }, { region: 'eu' }, true],
    ['extension missing', { filter: { attributes: { region: 'eu' } } }, undefined, false],
    [
      '"" and attribute present',
      { filter: { attributes: { region: '' } } },
      { region: 'us' },
      true,
    ],
    ['"" and attribute missing', { filter: { attributes: { region: '' } } }, undefined, false],
    ['"" and attribute empty', { filter: { attributes: { subject: '' } } }, { subject: '' }, false],
    [
      'value vs empty attribute',
      { filter: { attributes: { subject: 'x' } } },
      { subject: '' },
      false,
    ],
    ['inherited name', { filter: { attributes: { constructor: '' } } }, undefined, false],
    [
      'filters: [] does not override',
      { filter: { attributes: { type: 'x' } }, filters: [] },
      undefined,
      false,
    ],
  ])('%s', (_name, spec, extra, expected) => expect(matches(spec, extra)).toBe(expected));
});

describe('filters (Subscriptions API dialects)', () => {
  it.each<[string, Spec, Record<string, string> | undefined, boolean]>([
    ['exact match', F(TYPE), undefined, true],
    ['exact mismatch', F(OTHER), undefined, false],
    ['exact on missing attribute', F({ exact: { region: 'eu' } }), undefined, false],
    ['exact on extension', F({ exact: { region: 'eu' } }), { region: 'eu' }, true],
    ['exact ANDs all keys', F({ exact: { type: base.type, source: '/nope' } }), undefined, false],
    ['exact all keys match', F({ exact: { type: base.type, source: '/orders' } }), undefined, true],
    ['prefix match', F({ prefix: { type: 'com.example.' } }), undefined, true],
    ['prefix mismatch', F({ prefix: { type: 'org.' } }), undefined, false],
    ['prefix is case-sensitive', F({ prefix: { type: 'COM.' } }), undefined, false],
    ['prefix on missing attribute', F({ prefix: { subject: 'a' } }), undefined, false],
    ['prefix equal to the value', F({ prefix: { source: '/orders' } }), undefined, true],
    ['suffix match', F({ suffix: { type: '.created' } }), undefined, true],
    ['suffix mismatch', F({ suffix: { type: '.deleted' } }), undefined, false],
    ['suffix on missing attribute', F({ suffix: { subject: 'a' } }), undefined, false],
    [
      'array is an implicit all: both pass',
      F(TYPE, { prefix: { source: '/ord' } }),
      undefined,
      true,
    ],
    ['array is an implicit all: one fails', F(TYPE, OTHER), undefined, false],
    [
      'filters override filter.attributes',
      { filter: { attributes: { type: 'x' } }, filters: [TYPE] },
      undefined,
      true,
    ],
    ['all: both pass', F({ all: [TYPE, { suffix: { type: 'created' } }] }), undefined, true],
    ['all: one fails', F({ all: [TYPE, OTHER] }), undefined, false],
    ['all: empty list matches', F({ all: [] }), undefined, true],
    ['any: one passes', F({ any: [OTHER, TYPE] }), undefined, true],
    ['any: none passes', F({ any: [OTHER, { exact: { type: 'y' } }] }), undefined, false],
    ['any: empty list matches (Knative skips it)', F({ any: [] }), undefined, true],
    ['any: only empty members matches', F({ any: [{}, { all: [] }] }), undefined, true],
    ['any: fail plus an empty member fails', F({ any: [OTHER, {}] }), undefined, false],
    ['not: inverts a pass', F({ not: TYPE }), undefined, false],
    ['not: inverts a fail', F({ not: OTHER }), undefined, true],
    ['not: of nothing matches', F({ not: {} }), undefined, true],
    ['not: of an empty any matches', F({ not: { any: [] } }), undefined, true],
    ['not not', F({ not: { not: TYPE } }), undefined, true],
    ['empty filter object is skipped', F({}), undefined, true],
    ['empty filter object next to a failing one', F({}, OTHER), undefined, false],
    ['cesql true', F({ cesql: "type LIKE '%.created'" }), undefined, true],
    ['cesql false', F({ cesql: "type = 'x'" }), undefined, false],
    ['cesql with eval error fails', F({ cesql: 'region = 1' }), undefined, false],
    ['cesql non-boolean fails', F({ cesql: 'type' }), undefined, false],
    ['cesql empty string is skipped', F({ cesql: '' }), undefined, true],
    [
      'not of an erroring cesql passes (as Knative)',
      F({ not: { cesql: 'region = 1' } }),
      undefined,
      true,
    ],
    ['cesql with an extension', F({ cesql: 'INT(priority) > 3' }), { priority: '5' }, true],
    [
      'nested all/any/not',
      F({
        all: [
          { any: [OTHER, { prefix: { type: 'com.' } }] },
          { not: { suffix: { source: 'x' } } },
          { cesql: 'EXISTS id' },
        ],
      }),
      undefined,
      true,
    ],
    [
      'nested, inner not fails',
      F({ all: [{ any: [TYPE] }, { not: { any: [OTHER, { prefix: { source: '/' } }] } }] }),
      undefined,
      false,
    ],
    ['deep not/all/any', F({ not: { all: [{ any: [OTHER] }, TYPE] } }), undefined, true],
  ])('%s', (_name, spec, extra, expected) => expect(matches(spec, extra)).toBe(expected));

  it('reports unparsable CESQL with its path, message and position, at any depth', () => {
    const c = compileTriggerFilter(F(TYPE, { all: [TYPE, { not: { cesql: "type = 'x" } }] }));
    expect(c.ok).toBe(false);
    if (c.ok) return;
    expect(c.errors).toEqual([
      {
        code: EventFilterErrorCode.CesqlParse,
        path: 'filters[1].all[1].not.cesql',
        message: expect.stringMatching(/^invalid CESQL expression: unterminated string literal/),
        position: 7,
      },
    ]);
  });

  it.each<[string, SubscriptionsAPIFilter, string]>([
    ['empty exact value', { exact: { type: '' } }, 'filters[0].exact'],
    ['empty prefix key', { prefix: { '': 'a' } }, 'filters[0].prefix'],
    ['empty suffix value', { suffix: { type: '' } }, 'filters[0].suffix'],
    ['two dialects', { exact: { type: 'a' }, cesql: 'TRUE' }, 'filters[0]'],
  ])('rejects %s', (_name, filter, path) => {
    const c = compileTriggerFilter(F(filter));
    expect(c.ok).toBe(false);
    if (c.ok) return;
    expect(c.errors[0]).toMatchObject({ code: EventFilterErrorCode.InvalidFilter, path });
  });

  it('explains a decision with the three-valued verdict', () => {
    const verdictOf = (spec: Spec) => {
      const c = compileTriggerFilter(spec);
      if (!c.ok) throw new Error('compile');
      return c.verdict(ev());
    };
    expect(verdictOf({})).toBe('none');
    expect(verdictOf(F(TYPE))).toBe('pass');
    expect(verdictOf(F(OTHER))).toBe('fail');
    expect(verdictOf(F({ any: [] }))).toBe('none');
    expect(verdictOf(F({ not: {} }))).toBe('none');
    expect(verdictOf(F({ not: { not: {} } }))).toBe('none');
    // all_filter.go returns the last member's verdict when nothing fails.
    expect(verdictOf(F(TYPE, { not: {} }))).toBe('none');
    expect(verdictOf(F({ not: { all: [TYPE, { not: {} }] } }))).toBe('none');
  });

  it('refuses a deeply nested CESQL filter or dialect tree with an error, never a RangeError', () => {
    const deepCesql = '('.repeat(10_000) + 'TRUE' + ')'.repeat(10_000);
    const cesql = compileTriggerFilter({ filters: [{ cesql: deepCesql }] });
    expect(cesql.ok).toBe(false);
    if (!cesql.ok) {
      expect(cesql.errors[0]).toMatchObject({ path: 'filters[0].cesql' });
      expect(cesql.errors[0]?.message).toMatch(/nested deeper than 128 levels/);
    }
    let nested: SubscriptionsAPIFilter = { exact: { type: 't' } };
    for (let i = 0; i < 10_000; i++) nested = { not: nested };
    const tree = compileTriggerFilter({ filters: [nested] });
    expect(tree.ok).toBe(false);
    if (!tree.ok) expect(tree.errors[0]?.message).toMatch(/nested deeper than 64 levels/);
  });
});

describe('exactType: the type every matching event has', () => {
  it.each<[string, Spec, string | undefined]>([
    ['filter.attributes with a type', { filter: { attributes: { type: 'a', source: 's' } } }, 'a'],
    ['filter.attributes type "" (any value)', { filter: { attributes: { type: '' } } }, undefined],
    ['filter.attributes without a type', { filter: { attributes: { source: 's' } } }, undefined],
    ['no filter', {}, undefined],
    ['filters: an exact type among the members', F({ prefix: { source: '/' } }, TYPE), base.type],
    ['filters: exact on type and source', F({ exact: { type: 'a', source: 's' } }), 'a'],
    ['filters: only a prefix of type', F({ prefix: { type: 'com.' } }), undefined],
    ['filters: an exact type under any (not required)', F({ any: [TYPE, OTHER] }), undefined],
    ['filters: an exact type under not', F({ not: TYPE }), undefined],
    [
      'filters override filter.attributes',
      { filter: { attributes: { type: 'a' } }, filters: [{ prefix: { type: 'b' } }] },
      undefined,
    ],
  ])('%s: %s', (_name, spec, want) => {
    const c = compileTriggerFilter(spec);
    if (!c.ok) throw new Error(JSON.stringify(c.errors));
    expect(c.exactType).toBe(want);
  });

  it('every event the filter passes has that type', () => {
    for (const spec of [F(TYPE), { filter: { attributes: { type: base.type } } }]) {
      const c = compileTriggerFilter(spec);
      if (!c.ok) throw new Error('did not compile');
      expect(c.exactType).toBe(base.type);
      expect(c.matches(ev())).toBe(true);
      expect(c.matches(ev({ type: 'other' }))).toBe(false);
    }
  });
});
