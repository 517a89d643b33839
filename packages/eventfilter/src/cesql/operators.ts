import { cesqlError, type CesqlError } from '../errors.js';
import { fitsInt32, wrapInt32 } from './values.js';

/**
 * Integer arithmetic on 32-bit values (§3.4.2). Division truncates towards zero and the
 * remainder takes the dividend's sign; a zero divisor gives 0 and a MathError. A result
 * outside the 32-bit range gives the two's-complement wrapped value (what an int32 engine
 * such as sdk-go computes) plus a MathError, so a filter never matches on an overflow.
 */
export function arithmetic(
  op: string,
  x: number,
  y: number,
  position: number,
  errs: CesqlError[],
): number {
  let exact: number;
  switch (op) {
    case '+':
      exact = x + y;
      break;
    case '-':
      exact = x - y;
      break;
    case '*':
      exact = x * y;
      if (!fitsInt32(exact)) return overflow(Math.imul(x, y), op, position, errs);
      return exact === 0 ? 0 : exact;
    case '/':
    case '%':
      if (y === 0) {
        errs.push(cesqlError('math', `division by zero`, position));
        return 0;
      }
      exact = op === '/' ? Math.trunc(x / y) : x % y;
      break;
    default:
      throw new Error(`unknown arithmetic operator ${op}`);
  }
  if (!fitsInt32(exact)) return overflow(wrapInt32(exact), op, position, errs);
  return exact === 0 ? 0 : exact;
}

function overflow(wrapped: number, op: string, position: number, errs: CesqlError[]): number {
  errs.push(cesqlError('math', `integer overflow in '${op}'`, position));
  return wrapped;
}

/** The Integer comparisons `<`, `<=`, `>`, `>=`. */
export function compareIntegers(op: string, x: number, y: number): boolean {
  switch (op) {
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    default:
      return x >= y;
  }
}
