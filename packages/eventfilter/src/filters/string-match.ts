import type { Predicate } from './verdict.js';

/** How one attribute value is compared with the filter's value. */
export type StringMatch = 'exact' | 'prefix' | 'suffix';

const MATCHERS: Record<StringMatch, (got: string, want: string) => boolean> = {
  exact: (got, want) => got === want,
  prefix: (got, want) => got.startsWith(want),
  suffix: (got, want) => got.endsWith(want),
};

/**
 * The `exact`, `prefix` and `suffix` dialects (eventing `subscriptionsapi/*_filter.go`):
 * every key is ANDed; an attribute the event lacks never matches. Keys and values were
 * checked non-empty when compiling.
 */
export function stringMatch(kind: StringMatch, map: Readonly<Record<string, string>>): Predicate {
  const entries = Object.entries(map);
  const matches = MATCHERS[kind];
  return (attrs) => {
    for (const [name, want] of entries) {
      const got = attrs[name];
      if (typeof got !== 'string' || !matches(got, want)) return 'fail';
    }
    return 'pass';
  };
}
