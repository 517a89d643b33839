import { warningEvent, type ReconcileEvent } from '@knative-ts/reconciler';
import { formatFieldErrors, type FieldError, type ValidationFeatures } from '@knative-ts/types';

/**
 * Reason of Ready=False for a spec Knative's validating webhook would have rejected. We run
 * no validating webhook, so each reconciler validates its (defaulted) object first instead.
 */
export const InvalidSpecReason = 'InvalidSpec';

/**
 * The `config-features` flags the controller validates with. It does not read that
 * ConfigMap: the data plane applies the delivery flags when it sends (and ignores a field
 * whose flag is off), so here `delivery.timeout` and `delivery.retryAfterMax` are checked
 * for their form only; the reference flags keep Knative's defaults.
 */
export const ControllerValidationFeatures: Partial<ValidationFeatures> = {
  deliveryTimeout: true,
  deliveryRetryAfter: true,
};

/** The part of a kind's condition manager that rejecting a spec needs. */
interface ReadyMarker {
  markFalse(type: 'Ready', reason: string, message?: string): void;
}

/**
 * For field errors: Ready=False InvalidSpec naming every field, and the Warning Event the
 * caller returns (so it creates no children). Undefined when the spec is valid.
 */
export function rejectInvalidSpec(
  errors: readonly FieldError[],
  m: ReadyMarker,
): ReconcileEvent | undefined {
  if (errors.length === 0) return undefined;
  const message = formatFieldErrors(errors);
  m.markFalse('Ready', InvalidSpecReason, message);
  return warningEvent(InvalidSpecReason, message);
}
