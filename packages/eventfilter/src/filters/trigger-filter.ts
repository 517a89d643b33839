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
  /**
   * A `type` every matching event has, when the filter requires one exactly: a dispatcher
   * can then index Triggers by type and never look at those an event's type rules out.
   */
  exactType?: string;
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
  const exactType = requiredType(spec);
  return {
    ok: true,
    matches: (event) => predicate(event.attributes) !== 'fail',
    verdict: (event) => predicate(event.attributes),
    ...(exactType !== undefined && { exactType }),
  };
}

/**
 * The type the filter requires exactly, if it does: one of the members of a non-empty
 * `filters` (all of which must pass) that is an `exact` match on `type`, or else a
 * non-empty `type` of `filter.attributes` (`""` there means "any value").
 */
function requiredType(spec: Pick<TriggerSpec, 'filter' | 'filters'>): string | undefined {
  if (spec.filters && spec.filters.length > 0) {
    // materialize takes `exact` first whenever it is non-empty, so such a member is
    // exactly that string match (a second dialect next to it fails compilation).
    const member = spec.filters.find((f) => typeof f.exact?.['type'] === 'string');
    const type = member?.exact?.['type'];
    return type === '' ? undefined : type;
  }
  const type = spec.filter?.attributes?.['type'];
  return type === undefined || type === '' ? undefined : type;
}
