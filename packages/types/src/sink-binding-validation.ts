import type { ValidationFeatures } from './features.js';
import { genericError, missingField, viaField, type FieldError } from './field-error.js';
import type { SinkBinding } from './sink-binding.js';
import { validateSourceSpec } from './source-validation.js';

/** Validate a defaulted SinkBinding: a subject by name xor selector, and a valid sink. */
export function validateSinkBinding(
  sb: SinkBinding,
  features: Partial<ValidationFeatures> = {},
): FieldError[] {
  const ctx = { parentNamespace: sb.metadata.namespace ?? '', features };
  const subject: Partial<SinkBinding['spec']['subject']> = sb.spec.subject ?? {};
  const s: FieldError[] = [];
  if (!subject.apiVersion) s.push(missingField('apiVersion'));
  if (!subject.kind) s.push(missingField('kind'));
  if (!subject.namespace) s.push(missingField('namespace'));
  if (subject.name && subject.selector) {
    s.push(genericError('expected exactly one, got both', 'name, selector'));
  } else if (!subject.name && !subject.selector) {
    s.push(genericError('expected exactly one, got neither', 'name, selector'));
  }
  const errs = [...viaField(s, 'subject'), ...validateSourceSpec(sb.spec, ctx)];
  return viaField(errs, 'spec');
}
