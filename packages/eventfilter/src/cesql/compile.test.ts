import { EventFilterErrorCode } from '../errors.js';
import { compileCesql } from './compile.js';
import { MAX_NESTING, MAX_TREE_DEPTH } from './parser.js';

const event = { attributes: { specversion: '1.0', id: '1', source: '/s', type: 't', n: '5' } };

describe('compileCesql', () => {
  it.each([
    ['1 +', 3, /unexpected end of expression/],
    ["type = 'a' AND", 14, /unexpected end/],
    ['a LIKE b', 7, /LIKE pattern must be a string literal/],
    ['2147483648', 0, /out of the 32-bit range/],
    ["x = 'open", 4, /unterminated string literal/],
    ['x # 1', 2, /unexpected character '#'/],
    ['(1', 2, /expected '\)'/],
    ['my_ext = 1', 0, /invalid identifier 'my_ext'/],
  ])('reports a parse error for %j at position %i', (expr, position, message) => {
    const c = compileCesql(expr);
    expect(c.ok).toBe(false);
    if (c.ok) return;
    expect(c.error.position).toBe(position);
    expect(c.error.message).toMatch(message);
    expect(c.error.code).toBe(EventFilterErrorCode.CesqlParse);
  });

  it('collects every error with a code and position, and keeps evaluating', () => {
    const c = compileCesql('(1 / 0) + missing');
    if (!c.ok) throw new Error(c.error.message);
    const { value, errors } = c.evaluate(event);
    expect(value).toBe(0);
    expect(errors.map((e) => [e.code, e.position])).toEqual([
      [EventFilterErrorCode.CesqlMath, 3],
      [EventFilterErrorCode.CesqlMissingAttribute, 10],
    ]);
  });

  it.each([
    ['n = 5', true],
    ['n = 6', false],
    ['n', false], // a String result never passes a filter (§1.2)
    ['n + 1', false],
    ['missing = 1 OR TRUE', false], // evaluation error ⇒ no match
    ['TRUE OR missing = 1', true],
    ['1 / 0 = 0', false],
  ])('test(%j) is %s', (expr, expected) => {
    const c = compileCesql(expr);
    if (!c.ok) throw new Error(c.error.message);
    expect(c.test(event)).toBe(expected);
  });

  it('never throws, whatever the input', () => {
    for (const expr of ['', '(((', "'", '\\', 'NOT NOT NOT', 'ABS(ABS(ABS(', '1'.repeat(400)]) {
      expect(() => compileCesql(expr)).not.toThrow();
    }
  });

  const repeat = (n: number, f: (i: number) => string): string =>
    Array.from({ length: n }, (_, i) => f(i)).join('');
  it.each([
    [
      '10,000 nested parentheses',
      repeat(10_000, () => '(') + 'TRUE' + repeat(10_000, () => ')'),
      /nested deeper than 128 levels/,
    ],
    ['10,000 NOTs', repeat(10_000, () => 'NOT ') + 'TRUE', /nested deeper than 128 levels/],
    ['10,000 unary minus', repeat(10_000, () => '- ') + '1', /nested deeper than 128 levels/],
    [
      '10,000 nested calls',
      repeat(10_000, () => 'UPPER(') + "'a'" + repeat(10_000, () => ')'),
      /nested deeper/,
    ],
    [
      '10,000 nested IN sets',
      repeat(10_000, () => '1 IN (') + '1' + repeat(10_000, () => ')'),
      /nested deeper/,
    ],
    ['a 100,000-term sum', '1' + repeat(99_999, () => ' + 1'), /deeper than 1000 operators/],
    [
      'a 10,000-term OR chain',
      'TRUE' + repeat(9_999, () => ' OR TRUE'),
      /deeper than 1000 operators/,
    ],
  ])('refuses %s with a parse error, not a RangeError', (_name, expr, message) => {
    const c = compileCesql(expr);
    expect(c.ok).toBe(false);
    if (c.ok) return;
    expect(c.error.code).toBe(EventFilterErrorCode.CesqlParse);
    expect(c.error.message).toMatch(message);
  });

  it('accepts exactly the limits', () => {
    const parens = repeat(MAX_NESTING - 1, () => '(') + 'TRUE' + repeat(MAX_NESTING - 1, () => ')');
    expect(compileCesql(parens).ok).toBe(true);
    const tooDeep = '(' + parens + ')';
    expect(compileCesql(tooDeep).ok).toBe(false);
    const chain = 'FALSE' + repeat(MAX_TREE_DEPTH - 1, () => ' OR FALSE') + ' OR TRUE';
    const c = compileCesql(chain.replace(/ OR TRUE$/, ''));
    expect(c.ok).toBe(true);
    const longest = compileCesql(
      'FALSE' + repeat(MAX_TREE_DEPTH - 2, () => ' OR FALSE') + ' OR TRUE',
    );
    if (!longest.ok) throw new Error(longest.error.message);
    expect(longest.test(event)).toBe(true);
    expect(compileCesql(chain).ok).toBe(false);
  });

  it('groups a long AND/OR/XOR chain to the right, as before', () => {
    const c = compileCesql('TRUE AND FALSE OR TRUE XOR FALSE');
    if (!c.ok) throw new Error(c.error.message);
    expect(c.ast).toMatchObject({
      op: 'AND',
      left: { value: true },
      right: { op: 'OR', left: { value: false }, right: { op: 'XOR' } },
    });
  });
});
