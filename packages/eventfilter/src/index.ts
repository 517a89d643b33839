/**
 * @knative-ts/eventfilter — Trigger filtering as broker-filter applies it: the legacy
 * `filter.attributes` exact match, the CloudEvents Subscriptions API dialects (`exact`,
 * `prefix`, `suffix`, `all`, `any`, `not`, `cesql`) and CloudEvents SQL v1 in full.
 *
 * Pure code, no I/O: compile once per Trigger change, then match per event.
 *
 * Why a hand-written recursive-descent parser rather than a parser library (chevrotain,
 * an ANTLR runtime): the CESQL grammar is a dozen rules with one token of lookahead, so a
 * library would add a dependency and a grammar DSL while saving little code; by hand we
 * control the exact error message and character offset a Trigger's Ready condition shows,
 * the spec's quirks (signed integer literals, LIKE patterns that must be literals, the
 * int32 range) stay visible in plain code, and compiled expressions are closure trees with
 * no per-event allocation beyond the error list.
 *
 * Spec choices worth knowing (details beside the code):
 * - Every attribute is a CESQL String: events carry canonical strings (§3.2).
 * - Precedence follows §3.6; AND/OR/XOR share one level and group to the right, as in the
 *   spec's ANTLR grammar (which sdk-go, Knative's engine, is generated from).
 * - An operator whose operand raised an error returns its zero value (§3.2/§3.3).
 * - As a filter, CESQL passes only on Boolean `true` with no error (§1.2); `not` of a
 *   failing CESQL filter passes, exactly as Knative's `not` filter does.
 */
export { compileCesql } from './cesql/compile.js';
export type {
  CesqlParseFailure,
  CompiledCesql,
  Evaluation,
  FilterableEvent,
} from './cesql/compile.js';
export type { BinaryOperator, Node as CesqlNode } from './cesql/ast.js';
export { parse as parseCesql, type ParseResult } from './cesql/parser.js';
export { BUILTINS as CESQL_BUILTINS } from './cesql/functions.js';
export type { CesqlType, Value as CesqlValue } from './cesql/values.js';
export {
  EventFilterErrorCode,
  type CesqlError,
  type CesqlErrorKind,
  type FilterCompileError,
} from './errors.js';
export {
  compileTriggerFilter,
  type CompiledTriggerFilter,
  type TriggerFilterFailure,
} from './filters/trigger-filter.js';
export type { Verdict } from './filters/verdict.js';
