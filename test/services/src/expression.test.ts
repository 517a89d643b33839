import { compileExpression, ExpressionError, type Scope } from './expression.js';

const event = {
  type: 'dev.knative.sources.ping',
  time: '2025-01-01T10:03:00.000Z',
  data: { message: 'hello', n: 4 },
};
const run = (source: string, scope: Scope = { event }) => compileExpression(source)(scope);

describe('compileExpression', () => {
  it.each<[string, unknown]>([
    // The Parallel tutorial's filters (filter-nodejs), at minute 3 (odd).
    ['Math.round(Date.parse(event.time) / 60000) % 2 === 0', false],
    ['Math.round(Date.parse(event.time) / 60000) % 2 !== 0', true],
    // CEL-style timestamp methods.
    ['event.time.getMinutes() % 2 == 0', false],
    ['timestamp(event.time).getMinutes() == 3', true],
    ['timestamp(event.time).getHours() * 100 + 3', 1003],
    ['event.time.getSeconds()', 0],
    // Attributes, data, strings and logic.
    ['event.type == "dev.knative.sources.ping"', true],
    ["event.type.startsWith('dev.knative')", true],
    ['event.data.message + "!"', 'hello!'],
    ['event.data["n"] >= 4 && !(event.data.n > 4)', true],
    ['event.missing == null || false', false],
    ['event.missing === undefined', true],
    ['-event.data.n + 1', -3],
    ['1 + 2 * 3 % 4', 3],
    ['(1 + 2) * 3', 9],
    ['true && "x"', 'x'],
  ])('%s is %p', (source, want) => {
    expect(run(source)).toEqual(want);
  });

  it.each([
    ['unknown character', 'event.time ~ 1'],
    ['unbalanced', '(1 + 2'],
    ['dangling operator', '1 +'],
    ['trailing tokens', '1 2'],
  ])('refuses %s', (_case, source) => {
    expect(() => compileExpression(source)).toThrow(ExpressionError);
  });

  it.each([
    ['a global', 'process.exit(1)'],
    ['a prototype', 'event.constructor.constructor("return 1")()'],
    ['a method of nothing', 'event.missing.getMinutes()'],
    ['a bad timestamp', 'timestamp("yesterday").getMinutes()'],
  ])('cannot reach %s', (_case, source) => {
    expect(() => run(source)).toThrow(ExpressionError);
  });
});
