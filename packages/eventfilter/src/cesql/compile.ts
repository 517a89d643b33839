import type { CesqlError } from '../errors.js';
import type { Node } from './ast.js';
import { compileNode, type Attributes } from './evaluator.js';
import { parse } from './parser.js';
import type { Value } from './values.js';

/** Anything with CloudEvent attributes in canonical string form (e.g. delivery's CloudEvent). */
export interface FilterableEvent {
  readonly attributes: Attributes;
}

/** The outcome of one evaluation: always a value, plus every error met (§3.3). */
export interface Evaluation {
  value: Value;
  errors: CesqlError[];
}

/** A parsed CESQL expression, ready to evaluate many times. */
export interface CompiledCesql {
  ok: true;
  /** The syntax tree, for inspection and tests. */
  ast: Node;
  /** Evaluate against an event (complete evaluation mode: errors are collected, never thrown). */
  evaluate(event: FilterableEvent): Evaluation;
  /** As a filter predicate (§1.2): true only for a Boolean `true` with no errors. */
  test(event: FilterableEvent): boolean;
}

/** A CESQL expression that does not parse: the parser's message and offset. */
export interface CesqlParseFailure {
  ok: false;
  error: { message: string; position: number; code: CesqlError['code'] };
}

/** Parse and compile a CESQL v1 expression once; evaluation is then allocation-light. */
export function compileCesql(expression: string): CompiledCesql | CesqlParseFailure {
  const parsed = parse(expression);
  if (!parsed.ok) {
    const { message, position, code } = parsed.error;
    return { ok: false, error: { message, position, code } };
  }
  const root = compileNode(parsed.ast);
  return {
    ok: true,
    ast: parsed.ast,
    evaluate(event) {
      const errors: CesqlError[] = [];
      const value = root(event.attributes, errors);
      return { value, errors };
    },
    test(event) {
      const errors: CesqlError[] = [];
      return root(event.attributes, errors) === true && errors.length === 0;
    },
  };
}
