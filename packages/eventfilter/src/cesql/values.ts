import { cesqlError, type CesqlError } from '../errors.js';

/**
 * A CESQL value. The three primitive types (§3.1) map onto JS primitives so evaluation
 * allocates nothing: String → string, Integer → number (always a 32-bit integer),
 * Boolean → boolean.
 */
export type Value = string | number | boolean;

/** The CESQL primitive types. */
export type CesqlType = 'String' | 'Integer' | 'Boolean';

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/** The type of a value. */
export function typeOf(v: Value): CesqlType {
  if (typeof v === 'string') return 'String';
  return typeof v === 'number' ? 'Integer' : 'Boolean';
}

/** The zero value of a type (§3.1): returned by operators and functions that fail. */
export function zeroOf(t: CesqlType): Value {
  return t === 'String' ? '' : t === 'Integer' ? 0 : false;
}

/** Result of a cast: the cast value, or the zero value of the target plus an error. */
export type CastResult =
  { ok: true; value: Value } | { ok: false; value: Value; error: CesqlError };

// Base 10 with an optional sign, nothing else (no spaces, no "0x"), as §3.7 defines.
const INTEGER_TEXT = /^[+-]?[0-9]+$/;

/** Cast `v` to `target` with the §3.7 semantics; `position` locates a cast error. */
export function cast(v: Value, target: CesqlType, position: number): CastResult {
  switch (target) {
    case 'String':
      return { ok: true, value: typeof v === 'string' ? v : String(v) };
    case 'Integer':
      return toInteger(v, position);
    case 'Boolean':
      return toBoolean(v, position);
  }
}

function toInteger(v: Value, position: number): CastResult {
  if (typeof v === 'number') return { ok: true, value: v };
  if (typeof v === 'boolean') return { ok: true, value: v ? 1 : 0 };
  if (INTEGER_TEXT.test(v)) {
    const n = Number(v);
    if (n >= INT32_MIN && n <= INT32_MAX) return { ok: true, value: n === 0 ? 0 : n };
    return castFailure('Integer', `cannot cast "${v}" to Integer: out of 32-bit range`, position);
  }
  return castFailure('Integer', `cannot cast "${v}" to Integer`, position);
}

function toBoolean(v: Value, position: number): CastResult {
  if (typeof v === 'boolean') return { ok: true, value: v };
  if (typeof v === 'number') return { ok: true, value: v !== 0 };
  const lower = v.toLowerCase();
  if (lower === 'true') return { ok: true, value: true };
  if (lower === 'false') return { ok: true, value: false };
  return castFailure('Boolean', `cannot cast "${v}" to Boolean`, position);
}

function castFailure(target: CesqlType, message: string, position: number): CastResult {
  return { ok: false, value: zeroOf(target), error: cesqlError('cast', message, position) };
}

/** Wrap an exact integer result to 32 bits (two's complement), as an int32 machine would. */
export function wrapInt32(n: number): number {
  const w = n | 0;
  return w === 0 ? 0 : w;
}

/** Whether an exact integer result fits the CESQL Integer range. */
export function fitsInt32(n: number): boolean {
  return n >= INT32_MIN && n <= INT32_MAX;
}
