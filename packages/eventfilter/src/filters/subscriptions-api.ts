import type { SubscriptionsAPIFilter } from '@knative-ts/types';
import { compileCesql } from '../cesql/compile.js';
import { EventFilterErrorCode, type FilterCompileError } from '../errors.js';
import { stringMatch, type StringMatch } from './string-match.js';
import { allOf, anyOf, not, noFilter, type Predicate, type Verdict } from './verdict.js';

/** A materialized dialect, or `undefined` when the object sets no dialect (Knative skips it). */
type Materialized = Predicate | undefined;

/** Collects compile errors while walking a filter tree. */
export class CompileErrors {
  readonly list: FilterCompileError[] = [];

  add(
    path: string,
    message: string,
    code: EventFilterErrorCode = EventFilterErrorCode.InvalidFilter,
    position?: number,
  ) {
    this.list.push(
      position === undefined ? { code, path, message } : { code, path, message, position },
    );
  }
}

const STRING_DIALECTS: StringMatch[] = ['exact', 'prefix', 'suffix'];

/** Nesting of all/any/not accepted: deeper trees would exhaust the stack (a RangeError). */
export const MAX_FILTER_DEPTH = 64;

/**
 * Materialize one Subscriptions API filter (eventing `subscriptionsapi/create.go`). The
 * dialect is chosen in Knative's order: exact, prefix, suffix, all, any, not, cesql. An
 * object with none of them (including an empty `all`/`any` list or an empty `cesql`) is
 * skipped by its parent, as Knative does.
 */
export function materialize(
  f: SubscriptionsAPIFilter,
  path: string,
  errs: CompileErrors,
  depth = 1,
): Materialized {
  if (depth > MAX_FILTER_DEPTH) {
    errs.add(path, `filters are nested deeper than ${MAX_FILTER_DEPTH} levels`);
    return () => 'fail';
  }
  if (countDialects(f) > 1) {
    errs.add(path, 'multiple dialects found, filters can have only one dialect set');
  }
  for (const kind of STRING_DIALECTS) {
    const map = f[kind];
    if (map && Object.keys(map).length > 0)
      return stringDialect(kind, map, `${path}.${kind}`, errs);
  }
  const below = depth + 1;
  if (f.all && f.all.length > 0) return allOf(materializeList(f.all, `${path}.all`, errs, below));
  if (f.any && f.any.length > 0) return anyOf(materializeList(f.any, `${path}.any`, errs, below));
  // not_filter.go: a `not` around nothing is itself nothing.
  if (f.not) return not(materialize(f.not, `${path}.not`, errs, below) ?? noFilter);
  if (f.cesql) return cesqlDialect(f.cesql, `${path}.cesql`, errs);
  return undefined;
}

/** Materialize a list, dropping the members that express nothing (create.go `MaterializeFiltersList`). */
export function materializeList(
  filters: readonly SubscriptionsAPIFilter[],
  path: string,
  errs: CompileErrors,
  depth = 1,
): Predicate[] {
  const out: Predicate[] = [];
  filters.forEach((f, i) => {
    const m = materialize(f, `${path}[${i}]`, errs, depth);
    if (m) out.push(m);
  });
  return out;
}

function countDialects(f: SubscriptionsAPIFilter): number {
  const maps = STRING_DIALECTS.filter((k) => Object.keys(f[k] ?? {}).length > 0).length;
  const lists = [f.all, f.any].filter((l) => l && l.length > 0).length;
  return maps + lists + (f.not ? 1 : 0) + (f.cesql ? 1 : 0);
}

function stringDialect(
  kind: StringMatch,
  map: Record<string, string>,
  path: string,
  errs: CompileErrors,
): Predicate {
  for (const [name, value] of Object.entries(map)) {
    // Knative's constructors reject these (and then skip the filter); we report them instead
    // so the Trigger shows why, rather than silently matching everything.
    if (name === '' || value === '') {
      errs.add(path, `invalid ${kind} filter: attribute and value can't be empty ("${name}")`);
    }
  }
  return stringMatch(kind, map);
}

/**
 * CESQL as a dialect (cesql_filter.go): a parse error is a compile error; at evaluation any
 * error, or a result that is not Boolean `true`, fails the filter (spec §1.2).
 */
function cesqlDialect(expression: string, path: string, errs: CompileErrors): Predicate {
  const compiled = compileCesql(expression);
  if (!compiled.ok) {
    const { message, position, code } = compiled.error;
    errs.add(path, `invalid CESQL expression: ${message}`, code, position);
    return () => 'fail';
  }
  return (attrs): Verdict => (compiled.test({ attributes: attrs }) ? 'pass' : 'fail');
}
