/**
 * A small, safe evaluator for the filter expressions of Knative's tutorials: the JavaScript
 * of the `filter-nodejs` image (`Math.round(Date.parse(event.time) / 60000) % 2 === 0`) and
 * CEL-style timestamp calls (`event.time.getMinutes() % 2 == 0`). Literals, `event.*`,
 * arithmetic, comparisons, `!`/`&&`/`||`, `Math.*`, `Date.parse`, `timestamp()`, and
 * timestamp/string methods. Nothing else is reachable: no globals, no prototypes.
 */

export type Value = string | number | boolean | null | undefined | Date | object;
export type Scope = Readonly<Record<string, Value>>;
/** A compiled expression. */
export type Evaluate = (scope: Scope) => Value;

/** An expression that does not parse or evaluate. */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
  readonly code = 'TEST_SERVICES_ERR_EXPRESSION';
}

type Token = { kind: 'num' | 'str' | 'id' | 'op'; text: string; value?: Value };

const TOKEN =
  /\s*(?:(\d+(?:\.\d+)?)|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([A-Za-z_$][\w$]*)|(===|!==|==|!=|<=|>=|&&|\|\||[-+*/%<>!().,[\]]))/y;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    if (/^\s*$/.test(source.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(source);
    if (m === null) throw new ExpressionError(`unexpected character at ${at}: ${source.slice(at)}`);
    const [, num, dq, sq, id, op] = m;
    if (num !== undefined) tokens.push({ kind: 'num', text: num, value: Number(num) });
    else if (dq !== undefined || sq !== undefined) {
      tokens.push({ kind: 'str', text: '', value: JSON.parse(`"${dq ?? sq}"`) as string });
    } else if (id !== undefined) tokens.push({ kind: 'id', text: id });
    else tokens.push({ kind: 'op', text: op ?? '' });
  }
  return tokens;
}

const DATE_METHODS: Record<string, (d: Date) => number> = {
  getFullYear: (d) => d.getUTCFullYear(),
  getMonth: (d) => d.getUTCMonth(),
  getDate: (d) => d.getUTCDate(),
  getDayOfMonth: (d) => d.getUTCDate() - 1,
  getDay: (d) => d.getUTCDay(),
  getDayOfWeek: (d) => d.getUTCDay(),
  getHours: (d) => d.getUTCHours(),
  getMinutes: (d) => d.getUTCMinutes(),
  getSeconds: (d) => d.getUTCSeconds(),
  getMilliseconds: (d) => d.getUTCMilliseconds(),
  getTime: (d) => d.getTime(),
};
const STRING_METHODS: Record<string, (s: string, arg: Value) => Value> = {
  startsWith: (s, a) => s.startsWith(String(a)),
  endsWith: (s, a) => s.endsWith(String(a)),
  includes: (s, a) => s.includes(String(a)),
  contains: (s, a) => s.includes(String(a)),
  toLowerCase: (s) => s.toLowerCase(),
  toUpperCase: (s) => s.toUpperCase(),
};

/** A timestamp from a Date or an RFC 3339 string (CEL's `timestamp()`). */
function toDate(value: Value): Date {
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) throw new ExpressionError(`not a timestamp: ${String(value)}`);
  return date;
}

/** Functions and namespaces every expression sees beside its scope. */
export const BUILTINS: Scope = {
  Math: {
    round: Math.round,
    floor: Math.floor,
    ceil: Math.ceil,
    abs: Math.abs,
    trunc: Math.trunc,
  },
  Date: { parse: (s: Value) => Date.parse(String(s)) },
  timestamp: toDate,
  int: (v: Value) => Math.trunc(Number(v)),
  string: (v: Value) => String(v),
};

function member(target: Value, name: string): Value {
  if (target !== null && typeof target === 'object' && Object.hasOwn(target, name)) {
    return (target as Record<string, Value>)[name];
  }
  return undefined;
}

function callMethod(target: Value, name: string, args: Value[]): Value {
  const dateMethod = DATE_METHODS[name];
  if (dateMethod !== undefined && (typeof target === 'string' || target instanceof Date)) {
    return dateMethod(toDate(target));
  }
  const stringMethod = STRING_METHODS[name];
  if (stringMethod !== undefined && typeof target === 'string')
    return stringMethod(target, args[0]);
  const fn = member(target, name);
  if (typeof fn === 'function') return (fn as (...a: Value[]) => Value)(...args);
  throw new ExpressionError(`no method ${name} on ${typeof target}`);
}

const BINARY: Record<string, (a: Value, b: Value) => Value> = {
  '+': (a, b) =>
    typeof a === 'number' && typeof b === 'number' ? a + b : `${String(a)}${String(b)}`,
  '-': (a, b) => Number(a) - Number(b),
  '*': (a, b) => Number(a) * Number(b),
  '/': (a, b) => Number(a) / Number(b),
  '%': (a, b) => Number(a) % Number(b),
  '<': (a, b) => Number(a) < Number(b),
  '<=': (a, b) => Number(a) <= Number(b),
  '>': (a, b) => Number(a) > Number(b),
  '>=': (a, b) => Number(a) >= Number(b),
  '==': (a, b) => a === b,
  '===': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '!==': (a, b) => a !== b,
};
const LEVELS: string[][] = [
  ['||'],
  ['&&'],
  ['==', '!=', '===', '!=='],
  ['<', '<=', '>', '>='],
  ['+', '-'],
  ['*', '/', '%'],
];
const LITERALS: Record<string, Value> = { true: true, false: false, null: null };

/** Compiles `source` once; throws ExpressionError when it does not parse. */
export function compileExpression(source: string): Evaluate {
  const tokens = tokenize(source);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isOp = (text: string): boolean => peek()?.kind === 'op' && peek()?.text === text;
  const expect = (text: string): void => {
    if (!isOp(text)) throw new ExpressionError(`expected "${text}" at token ${pos} of: ${source}`);
    pos++;
  };

  const binary = (level: number): Evaluate => {
    const ops = LEVELS[level];
    if (ops === undefined) return unary();
    let left = binary(level + 1);
    for (let op = peek(); op?.kind === 'op' && ops.includes(op.text); op = peek()) {
      pos++;
      const l = left;
      const r = binary(level + 1);
      if (op.text === '&&') left = (s) => l(s) && r(s);
      else if (op.text === '||') left = (s) => l(s) || r(s);
      else {
        const apply = BINARY[op.text] as (a: Value, b: Value) => Value;
        left = (s) => apply(l(s), r(s));
      }
    }
    return left;
  };
  const unary = (): Evaluate => {
    if (isOp('!') || isOp('-')) {
      const op = peek()?.text;
      pos++;
      const operand = unary();
      return op === '!' ? (s) => !operand(s) : (s) => -Number(operand(s));
    }
    return postfix(primary());
  };
  const args = (): Evaluate[] => {
    const list: Evaluate[] = [];
    while (!isOp(')')) {
      list.push(binary(0));
      if (!isOp(')')) expect(',');
    }
    expect(')');
    return list;
  };
  const postfix = (target: Evaluate): Evaluate => {
    for (;;) {
      if (isOp('.')) {
        pos++;
        const name = peek();
        if (name?.kind !== 'id')
          throw new ExpressionError(`expected a name after "." in: ${source}`);
        pos++;
        const t = target;
        if (isOp('(')) {
          pos++;
          const a = args();
          target = (s) =>
            callMethod(
              t(s),
              name.text,
              a.map((f) => f(s)),
            );
        } else target = (s) => member(t(s), name.text);
      } else if (isOp('[')) {
        pos++;
        const index = binary(0);
        expect(']');
        const t = target;
        target = (s) => member(t(s), String(index(s)));
      } else if (isOp('(')) {
        pos++;
        const a = args();
        const t = target;
        target = (s) => {
          const fn = t(s);
          if (typeof fn !== 'function') throw new ExpressionError('not a function');
          return (fn as (...v: Value[]) => Value)(...a.map((f) => f(s)));
        };
      } else return target;
    }
  };
  const primary = (): Evaluate => {
    const token = peek();
    if (token === undefined) throw new ExpressionError(`unexpected end of: ${source}`);
    pos++;
    if (token.kind === 'num' || token.kind === 'str') return () => token.value;
    if (token.kind === 'id') {
      if (Object.hasOwn(LITERALS, token.text)) return () => LITERALS[token.text];
      return (s) => (Object.hasOwn(s, token.text) ? s[token.text] : member(BUILTINS, token.text));
    }
    if (token.text === '(') {
      const inner = binary(0);
      expect(')');
      return inner;
    }
    throw new ExpressionError(`unexpected "${token.text}" in: ${source}`);
  };

  const root = binary(0);
  if (pos < tokens.length) throw new ExpressionError(`unexpected "${peek()?.text}" in: ${source}`);
  return root;
}
