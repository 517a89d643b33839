import type { Attributes } from '../cesql/evaluator.js';

/**
 * Knative's three-valued filter result (eventing `pkg/eventfilter/filter.go`). `none` is
 * "this filter expresses nothing" (an empty `all`/`any`, a `not` around nothing) and is
 * treated as a pass by broker-filter, which rejects only `fail`. Keeping the third value
 * matters under `not`: `not` of `none` stays `none`, so it still passes.
 */
export type Verdict = 'pass' | 'fail' | 'none';

/** A compiled filter over event attributes. */
export type Predicate = (attrs: Attributes) => Verdict;

/** The filter that expresses nothing. */
export const noFilter: Predicate = () => 'none';

/** `any` (any_filter.go): OR-fold where `none` is the identity; stops at the first pass. */
export function anyOf(filters: Predicate[]): Predicate {
  return (attrs) => {
    let res: Verdict = 'none';
    for (const f of filters) {
      const r = f(attrs);
      if (r === 'pass') return 'pass';
      if (r === 'fail') res = 'fail';
    }
    return res;
  };
}

/**
 * `all` (all_filter.go): stops at the first fail; otherwise Knative returns the verdict of
 * the last filter, so all of [pass, none] is `none`. Kept as is: it only differs under `not`.
 */
export function allOf(filters: Predicate[]): Predicate {
  if (filters.length === 1) return filters[0] as Predicate;
  return (attrs) => {
    let res: Verdict = 'none';
    for (const f of filters) {
      res = f(attrs);
      if (res === 'fail') return 'fail';
    }
    return res;
  };
}

/** `not` (not_filter.go): swaps pass and fail, leaves `none` alone. */
export function not(filter: Predicate): Predicate {
  return (attrs) => {
    const r = filter(attrs);
    return r === 'pass' ? 'fail' : r === 'fail' ? 'pass' : 'none';
  };
}
