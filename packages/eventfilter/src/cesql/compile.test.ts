import { EventFilterErrorCode } from '../errors.js';
import { compileCesql } from './compile.js';

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
});
