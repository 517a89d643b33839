import type { Predicate } from './verdict.js';

/**
 * The legacy `filter.attributes` exact match (eventing `pkg/eventfilter/attributes/filter.go`):
 * every key must be present; `""` means "present with a non-empty value"; any other value
 * must equal the attribute exactly (case-sensitive). No keys matches every event.
 */
export function attributesFilter(attributes: Readonly<Record<string, string>>): Predicate {
  const entries = Object.entries(attributes);
  if (entries.length === 0) return () => 'pass';
  return (attrs) => {
    for (const [name, want] of entries) {
      const got = attrs[name];
      if (typeof got !== 'string' || got === '') return 'fail';
      if (want !== '' && got !== want) return 'fail';
    }
    return 'pass';
  };
}
