/**
 * Stable codes of every error this package reports; match on `code`, never on message.
 * Nothing here is thrown on the hot path: CESQL evaluation errors are collected as data
 * (the spec makes every operator total), and compile errors are returned as results.
 */
export const EventFilterErrorCode = {
  /** The CESQL expression does not parse (CESQL v1 §3.3 ParseError). */
  CesqlParse: 'EVENTFILTER_ERR_CESQL_PARSE',
  /** Division or modulo by zero, or 32-bit integer overflow (MathError). */
  CesqlMath: 'EVENTFILTER_ERR_CESQL_MATH',
  /** An implicit or explicit type cast failed (CastError). */
  CesqlCast: 'EVENTFILTER_ERR_CESQL_CAST',
  /** The expression addressed an attribute the event does not carry (MissingAttributeError). */
  CesqlMissingAttribute: 'EVENTFILTER_ERR_CESQL_MISSING_ATTRIBUTE',
  /** No built-in function with that name and arity (MissingFunctionError). */
  CesqlMissingFunction: 'EVENTFILTER_ERR_CESQL_MISSING_FUNCTION',
  /** A function rejected its arguments, e.g. LEFT with a negative length (FunctionEvaluationError). */
  CesqlFunctionEvaluation: 'EVENTFILTER_ERR_CESQL_FUNCTION_EVALUATION',
  /** A filter dialect is malformed (empty key or value, several dialects in one object). */
  InvalidFilter: 'EVENTFILTER_ERR_INVALID_FILTER',
} as const;

export type EventFilterErrorCode = (typeof EventFilterErrorCode)[keyof typeof EventFilterErrorCode];

/** The CESQL v1 error types (§3.3), named as the official TCK names them. */
export type CesqlErrorKind =
  'parse' | 'math' | 'cast' | 'missingAttribute' | 'missingFunction' | 'functionEvaluation';

const CODE_OF_KIND: Record<CesqlErrorKind, EventFilterErrorCode> = {
  parse: EventFilterErrorCode.CesqlParse,
  math: EventFilterErrorCode.CesqlMath,
  cast: EventFilterErrorCode.CesqlCast,
  missingAttribute: EventFilterErrorCode.CesqlMissingAttribute,
  missingFunction: EventFilterErrorCode.CesqlMissingFunction,
  functionEvaluation: EventFilterErrorCode.CesqlFunctionEvaluation,
};

/** One CESQL error: its spec kind, a stable code, a message, and where in the expression. */
export interface CesqlError {
  readonly kind: CesqlErrorKind;
  readonly code: EventFilterErrorCode;
  readonly message: string;
  /** 0-based character offset into the expression of the token or node at fault. */
  readonly position: number;
}

/** Build a CesqlError of `kind` at `position`. */
export function cesqlError(kind: CesqlErrorKind, message: string, position: number): CesqlError {
  return { kind, code: CODE_OF_KIND[kind], message, position };
}

/** A reason a trigger's filter cannot be compiled, at a field path of the Trigger spec. */
export interface FilterCompileError {
  readonly code: EventFilterErrorCode;
  /** Field path inside `spec`, e.g. `filters[0].all[1].cesql`. */
  readonly path: string;
  readonly message: string;
  /** Offset into the CESQL expression, for parse errors. */
  readonly position?: number;
}
