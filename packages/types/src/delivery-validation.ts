import type { DeliverySpec } from './delivery.js';
import { validateDestination, type ReferenceContext } from './destination-validation.js';
import { withDefaultFeatures } from './features.js';
import { disallowedField, invalidValue, viaField, type FieldError } from './field-error.js';
import { parseIsoDuration } from './iso-duration.js';

/** Validate a DeliverySpec (eventingduckv1 DeliverySpec.Validate), flags included. */
export function validateDelivery(d: DeliverySpec, ctx: ReferenceContext = {}): FieldError[] {
  const features = withDefaultFeatures(ctx.features);
  const errs: FieldError[] = [];
  if (d.deadLetterSink) {
    errs.push(...viaField(validateDestination(d.deadLetterSink, ctx), 'deadLetterSink'));
  }
  if (d.retry !== undefined && (!Number.isInteger(d.retry) || d.retry < 0)) {
    errs.push(invalidValue(d.retry, 'retry'));
  }
  if (d.timeout !== undefined) {
    if (!features.deliveryTimeout) errs.push(disallowedField('timeout'));
    else {
      // A zero timeout would fail every attempt at once, so Knative rejects it.
      const t = parseIsoDuration(d.timeout);
      if (!t.ok || t.ms === 0) errs.push(invalidValue(d.timeout, 'timeout'));
    }
  }
  if (d.backoffPolicy !== undefined && !['linear', 'exponential'].includes(d.backoffPolicy)) {
    errs.push(invalidValue(d.backoffPolicy, 'backoffPolicy'));
  }
  if (d.backoffDelay !== undefined && !parseIsoDuration(d.backoffDelay).ok) {
    errs.push(invalidValue(d.backoffDelay, 'backoffDelay'));
  }
  if (d.retryAfterMax !== undefined) {
    if (!features.deliveryRetryAfter) errs.push(disallowedField('retryAfterMax'));
    else {
      const r = parseIsoDuration(d.retryAfterMax);
      if (!r.ok || r.ms < 0) errs.push(invalidValue(d.retryAfterMax, 'retryAfterMax'));
    }
  }
  if (d.format !== undefined && !['json', 'binary'].includes(d.format)) {
    errs.push(invalidValue(d.format, 'format'));
  }
  return errs;
}
