import { cesqlError, type CesqlError } from '../errors.js';
import { cast, INT32_MAX, INT32_MIN, type CesqlType, type Value } from './values.js';

/** A parameter type; `Any` takes the argument as it is (the casting functions). */
export type ParamType = CesqlType | 'Any';

/** What a built-in returns: always a value of its return type, maybe with an error (§3.5.3). */
export interface FunctionResult {
  value: Value;
  error?: CesqlError;
}

/** One overload of a built-in function (§3.5): fixed parameters, then maybe a variadic tail. */
export interface FunctionDef {
  readonly params: readonly ParamType[];
  readonly variadic?: ParamType;
  readonly returns: CesqlType;
  readonly fn: (args: Value[], position: number) => FunctionResult;
}

const ok = (value: Value): FunctionResult => ({ value });
const str = (v: Value | undefined): string => v as string;
const int = (v: Value | undefined): number => v as number;
// Characters are Unicode code points (§3.1 "sequence of Unicode characters").
const chars = (s: string): string[] => [...s];
const WHITESPACE_EDGES = /^\p{White_Space}+|\p{White_Space}+$/gu;

function failed(value: Value, message: string, position: number): FunctionResult {
  return { value, error: cesqlError('functionEvaluation', message, position) };
}

/** LEFT/RIGHT: a negative length returns `x` unchanged plus an error (§3.5.1). */
function take(fromEnd: boolean) {
  return ([x, y]: Value[], position: number): FunctionResult => {
    const s = str(x);
    const n = int(y);
    if (n < 0) return failed(s, `${fromEnd ? 'RIGHT' : 'LEFT'}: negative length ${n}`, position);
    const cs = chars(s);
    if (cs.length <= n) return ok(s);
    return ok((fromEnd ? cs.slice(cs.length - n) : cs.slice(0, n)).join(''));
  };
}

/** SUBSTRING with 1-based (or negative, from the end) `pos`, and an optional length. */
function substring([x, p, l]: Value[], position: number): FunctionResult {
  const cs = chars(str(x));
  const pos = int(p);
  if (pos > cs.length || pos < -cs.length) {
    return failed(
      '',
      `SUBSTRING: position ${pos} is outside a string of length ${cs.length}`,
      position,
    );
  }
  if (l !== undefined && int(l) < 0)
    return failed('', `SUBSTRING: negative length ${int(l)}`, position);
  if (pos === 0) return ok('');
  const start = pos > 0 ? pos - 1 : cs.length + pos;
  const end = l === undefined ? cs.length : Math.min(cs.length, start + int(l));
  return ok(cs.slice(start, end).join(''));
}

/** Explicit casts (INT, BOOL, STRING): the cast's value, plus its cast error if any. */
function explicitCast(target: CesqlType) {
  return ([x]: Value[], position: number): FunctionResult => {
    const r = cast(x as Value, target, position);
    return r.ok ? ok(r.value) : { value: r.value, error: r.error };
  };
}

/** Type tests: whether the argument can be cast to `target`, never an error. */
function castable(target: CesqlType) {
  return ([x]: Value[]): FunctionResult => ok(cast(x as Value, target, 0).ok);
}

/** The built-in functions every engine must provide, by upper-case name. */
export const BUILTINS: ReadonlyMap<string, readonly FunctionDef[]> = new Map<string, FunctionDef[]>(
  [
    ['LENGTH', [{ params: ['String'], returns: 'Integer', fn: ([x]) => ok(chars(str(x)).length) }]],
    [
      'CONCAT',
      [{ params: [], variadic: 'String', returns: 'String', fn: (args) => ok(args.join('')) }],
    ],
    [
      'CONCAT_WS',
      [
        {
          params: ['String'],
          variadic: 'String',
          returns: 'String',
          fn: ([sep, ...rest]) => ok(rest.join(str(sep))),
        },
      ],
    ],
    ['LOWER', [{ params: ['String'], returns: 'String', fn: ([x]) => ok(str(x).toLowerCase()) }]],
    ['UPPER', [{ params: ['String'], returns: 'String', fn: ([x]) => ok(str(x).toUpperCase()) }]],
    [
      'TRIM',
      [
        {
          params: ['String'],
          returns: 'String',
          fn: ([x]) => ok(str(x).replace(WHITESPACE_EDGES, '')),
        },
      ],
    ],
    ['LEFT', [{ params: ['String', 'Integer'], returns: 'String', fn: take(false) }]],
    ['RIGHT', [{ params: ['String', 'Integer'], returns: 'String', fn: take(true) }]],
    [
      'SUBSTRING',
      [
        { params: ['String', 'Integer'], returns: 'String', fn: substring },
        { params: ['String', 'Integer', 'Integer'], returns: 'String', fn: substring },
      ],
    ],
    ['ABS', [{ params: ['Integer'], returns: 'Integer', fn: abs }]],
    ['INT', [{ params: ['Any'], returns: 'Integer', fn: explicitCast('Integer') }]],
    ['BOOL', [{ params: ['Any'], returns: 'Boolean', fn: explicitCast('Boolean') }]],
    ['STRING', [{ params: ['Any'], returns: 'String', fn: explicitCast('String') }]],
    ['IS_INT', [{ params: ['Any'], returns: 'Boolean', fn: castable('Integer') }]],
    ['IS_BOOL', [{ params: ['Any'], returns: 'Boolean', fn: castable('Boolean') }]],
    ['IS_STRING', [{ params: ['Any'], returns: 'Boolean', fn: castable('String') }]],
  ],
);

/** ABS of the most negative Integer has no 32-bit answer: the spec returns MAX and a MathError. */
function abs([x]: Value[], position: number): FunctionResult {
  const n = int(x);
  if (n === INT32_MIN) {
    return {
      value: INT32_MAX,
      error: cesqlError('math', 'ABS: overflow of -2147483648', position),
    };
  }
  return ok(Math.abs(n));
}

/** The overload of `name` that takes `arity` arguments, if any (dispatch by arity, §3.5). */
export function resolveFunction(name: string, arity: number): FunctionDef | undefined {
  const defs = BUILTINS.get(name.toUpperCase());
  if (!defs) return undefined;
  const exact = defs.find((d) => !d.variadic && d.params.length === arity);
  return exact ?? defs.find((d) => d.variadic !== undefined && arity >= d.params.length);
}
