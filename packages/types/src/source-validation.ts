import { validateDestination, type ReferenceContext } from './destination-validation.js';
import { genericError, viaField, type FieldError } from './field-error.js';
import type { SourceSpec } from './source-duck.js';

/** Validate the parts every source shares: a valid sink and lower-case alphanumeric extensions. */
export function validateSourceSpec(spec: SourceSpec, ctx: ReferenceContext = {}): FieldError[] {
  const errs = viaField(validateDestination(spec.sink ?? {}, ctx), 'sink');
  for (const key of Object.keys(spec.ceOverrides?.extensions ?? {})) {
    if (!/^[a-z0-9]+$/.test(key)) {
      const why = key === '' ? 'keys MUST NOT be empty' : 'keys are expected to be alphanumeric';
      errs.push(genericError(`invalid key name "${key}"`, `ceOverrides.extensions[${key}]`, why));
    }
  }
  return errs;
}
