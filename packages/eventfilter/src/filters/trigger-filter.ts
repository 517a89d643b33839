import type { TriggerSpec } from '@knative-ts/types';
import type { FilterableEvent } from '../cesql/compile.js';
import type { FilterCompileError } from '../errors.js';
import { attributesFilter } from './attributes-filter.js';
import { CompileErrors, materializeList } from './subscriptions-api.js';
import { allOf, noFilter, type Predicate, type Verdict } from './verdict.js';

/** A trigger's filter, compiled once per Trigger change. */
export interface CompiledTriggerFilter {
  ok: true;
  /** Whether the event is for this trigger (only a `fail` verdict rejects it, as in Knative). */
  matches(event: FilterableEvent): boolean;
  /** The three-valued verdict, for explaining a decision ("which triggers match this event"). */
  verdict(event: FilterableEvent): Verdict;
}

/** A trigger whose filter cannot be compiled; `errors` feed the Trigger's Ready condition. */
export interface TriggerFilterFailure {
  ok: false;
  errors: FilterCompileError[];
}

/**
 * Compile a Trigger's filtering (eventing `pkg/broker/filter/filter_handler.go`): a
 * non-empty `filters` is an implicit `all` and overrides `filter.attributes`; otherwise
 * `filter.attributes` applies; absent or empty filters match every event.
 */
export function compileTriggerFilter(
  spec: Pick<TriggerSpec, 'filter' | 'filters'>,
): CompiledTriggerFilter | TriggerFilterFailure {
  const errs = new CompileErrors();
  let predicate: Predicate;
  if (spec.filters && spec.filters.length > 0) {
    predicate = allOf(materializeList(spec.filters, 'filters', errs));
  } else if (spec.filter?.attributes) {
    predicate = attributesFilter(spec.filter.attributes);
  } else {
    predicate = noFilter;
  }
  if (errs.list.length > 0) return { ok: false, errors: errs.list };
  return {
    ok: true,
    matches: (event) => predicate(event.attributes) !== 'fail',
    verdict: (event) => predicate(event.attributes),
  };
}
