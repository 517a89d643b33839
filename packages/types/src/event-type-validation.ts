import { validateKReference } from './destination-validation.js';
import type { EventType } from './event-type.js';
import type { ValidationFeatures } from './features.js';
import { missingField, viaField, type FieldError } from './field-error.js';

/** Validate a v1beta2 EventType: `type` is required, a reference must be complete. */
export function validateEventType(
  et: EventType,
  features: Partial<ValidationFeatures> = {},
): FieldError[] {
  const ctx = { parentNamespace: et.metadata.namespace ?? '', features };
  const errs: FieldError[] = [];
  if (!et.spec.type) errs.push(missingField('type'));
  if (et.spec.reference) {
    errs.push(...viaField(validateKReference(et.spec.reference, ctx), 'reference'));
  }
  return viaField(errs, 'spec');
}
