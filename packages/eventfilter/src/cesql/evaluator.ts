import { cesqlError, type CesqlError } from '../errors.js';
import type { BinaryOperator, Node } from './ast.js';
import { resolveFunction, type FunctionDef } from './functions.js';
import { likeToRegExp } from './like.js';
import { arithmetic, compareIntegers } from './operators.js';
import { cast, typeOf, zeroOf, type CesqlType, type Value } from './values.js';

/** Event attributes in canonical string form; every attribute is a CESQL String (§3.2). */
export type Attributes = Readonly<Record<string, string>>;

/**
 * A compiled node: computes its value and appends any errors to `errs`. A node whose
 * operands raised errors returns the zero value of its own return type (§3.2, §3.3):
 * that is how `missing / 0` yields `0` with only a MissingAttributeError, and
 * `TRUE AND (1 != 1 / 0)` yields `false` with a MathError.
 */
export type Compiled = (attrs: Attributes, errs: CesqlError[]) => Value;

// EXISTS is always true for them: the input event is assumed valid (§3.4.4).
const REQUIRED = new Set(['specversion', 'id', 'source', 'type']);

/** Compile a syntax tree into a closure tree, resolving functions and LIKE patterns once. */
export function compileNode(node: Node): Compiled {
  switch (node.kind) {
    case 'literal': {
      const value = node.value;
      return () => value;
    }
    case 'identifier':
      return identifier(node.name, node.position);
    case 'exists': {
      const name = node.name;
      if (REQUIRED.has(name)) return () => true;
      return (attrs) => typeof attrs[name] === 'string';
    }
    case 'not':
      return unary(compileNode(node.operand), 'Boolean', node.position, (v) => !v);
    case 'negate':
      return negate(compileNode(node.operand), node.position);
    case 'binary':
      return binary(node.op, compileNode(node.left), compileNode(node.right), node.position);
    case 'like':
      return like(
        compileNode(node.operand),
        likeToRegExp(node.pattern),
        node.negated,
        node.position,
      );
    case 'in':
      return inSet(
        compileNode(node.operand),
        node.set.map(compileNode),
        node.negated,
        node.position,
      );
    case 'call':
      return call(node.name, node.args.map(compileNode), node.position);
  }
}

function identifier(name: string, position: number): Compiled {
  return (attrs, errs) => {
    const v = attrs[name];
    // typeof also rules out inherited properties such as "constructor".
    if (typeof v === 'string') return v;
    errs.push(cesqlError('missingAttribute', `missing attribute '${name}'`, position));
    // The type of a bare attribute reference is unknown, so Boolean is assumed (§3.2).
    return false;
  };
}

/** Evaluate `c`, cast it to `t`; `undefined` when evaluation or the cast failed. */
function operand(
  c: Compiled,
  t: CesqlType,
  position: number,
  attrs: Attributes,
  errs: CesqlError[],
) {
  const before = errs.length;
  const v = c(attrs, errs);
  if (errs.length !== before) return undefined;
  const r = cast(v, t, position);
  if (r.ok) return r.value;
  errs.push(r.error);
  return undefined;
}

function unary(c: Compiled, t: CesqlType, position: number, f: (v: Value) => Value): Compiled {
  return (attrs, errs) => {
    const v = operand(c, t, position, attrs, errs);
    return v === undefined ? zeroOf(t) : f(v);
  };
}

function negate(c: Compiled, position: number): Compiled {
  return (attrs, errs) => {
    const v = operand(c, 'Integer', position, attrs, errs);
    return v === undefined ? 0 : arithmetic('-', 0, v as number, position, errs);
  };
}

function binary(op: BinaryOperator, l: Compiled, r: Compiled, position: number): Compiled {
  switch (op) {
    case 'AND':
    case 'OR':
      return shortCircuit(op === 'AND', l, r, position);
    case 'XOR':
      return both(l, r, 'Boolean', 'Boolean', position, (x, y) => x !== y);
    case '=':
      return equality(l, r, position, true);
    case '!=':
    case '<>':
      return equality(l, r, position, false);
    case '<':
    case '<=':
    case '>':
    case '>=':
      return both(l, r, 'Integer', 'Boolean', position, (x, y) =>
        compareIntegers(op, x as number, y as number),
      );
    default:
      return (attrs, errs) => {
        const x = operand(l, 'Integer', position, attrs, errs);
        const y = operand(r, 'Integer', position, attrs, errs);
        if (x === undefined || y === undefined) return 0;
        return arithmetic(op, x as number, y as number, position, errs);
      };
  }
}

/** AND / OR: the right operand is evaluated only when the left does not decide (§3.4.2). */
function shortCircuit(isAnd: boolean, l: Compiled, r: Compiled, position: number): Compiled {
  return (attrs, errs) => {
    const x = operand(l, 'Boolean', position, attrs, errs);
    if (x === undefined) return false;
    if (x !== isAnd) return x;
    const y = operand(r, 'Boolean', position, attrs, errs);
    return y === undefined ? false : y;
  };
}

function both(
  l: Compiled,
  r: Compiled,
  t: CesqlType,
  returns: CesqlType,
  position: number,
  f: (x: Value, y: Value) => Value,
): Compiled {
  return (attrs, errs) => {
    const x = operand(l, t, position, attrs, errs);
    const y = operand(r, t, position, attrs, errs);
    return x === undefined || y === undefined ? zeroOf(returns) : f(x, y);
  };
}

/** `=` is ambiguous (§3.7): the right operand's type picks the overload; the left is cast to it. */
function equality(l: Compiled, r: Compiled, position: number, equal: boolean): Compiled {
  return (attrs, errs) => {
    const before = errs.length;
    const x = l(attrs, errs);
    const y = r(attrs, errs);
    if (errs.length !== before) return false;
    const cx = cast(x, typeOf(y), position);
    if (!cx.ok) {
      errs.push(cx.error);
      return false;
    }
    return (cx.value === y) === equal;
  };
}

function like(c: Compiled, re: RegExp, negated: boolean, position: number): Compiled {
  return (attrs, errs) => {
    const v = operand(c, 'String', position, attrs, errs);
    return v === undefined ? false : re.test(v as string) !== negated;
  };
}

/** IN: elements are cast to the left operand's type (§3.7) and compared as `=`, in order. */
function inSet(c: Compiled, set: Compiled[], negated: boolean, position: number): Compiled {
  return (attrs, errs) => {
    const before = errs.length;
    const x = c(attrs, errs);
    if (errs.length !== before) return false;
    const t = typeOf(x);
    for (const element of set) {
      const y = operand(element, t, position, attrs, errs);
      if (y === undefined) return false;
      if (y === x) return !negated;
    }
    return negated;
  };
}

function call(name: string, args: Compiled[], position: number): Compiled {
  const def = resolveFunction(name, args.length);
  if (!def) {
    const message = `no function ${name} taking ${args.length} argument(s)`;
    // §3.5: an invocation that cannot be dispatched returns false and a MissingFunctionError.
    return (_attrs, errs) => {
      errs.push(cesqlError('missingFunction', message, position));
      return false;
    };
  }
  return invoke(def, args, position);
}

function invoke(def: FunctionDef, args: Compiled[], position: number): Compiled {
  const types = args.map((_, i) => def.params[i] ?? def.variadic ?? 'Any');
  return (attrs, errs) => {
    const values: Value[] = [];
    const before = errs.length;
    for (let i = 0; i < args.length; i++) {
      const v = (args[i] as Compiled)(attrs, errs);
      const t = types[i] as CesqlType | 'Any';
      if (t === 'Any') {
        values.push(v);
        continue;
      }
      const r = cast(v, t, position);
      if (!r.ok) errs.push(r.error);
      values.push(r.value);
    }
    if (errs.length !== before) return zeroOf(def.returns);
    const result = def.fn(values, position);
    if (result.error) errs.push(result.error);
    return result.value;
  };
}
