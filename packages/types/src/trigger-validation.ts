import { validateDelivery } from './delivery-validation.js';
import { validateDestination } from './destination-validation.js';
import type { ValidationFeatures } from './features.js';
import { genericError, missingField, viaField, viaIndex, type FieldError } from './field-error.js';
import {
  DependencyAnnotation,
  InjectionAnnotation,
  type SubscriptionsAPIFilter,
  type Trigger,
} from './trigger.js';

/** CloudEvents attribute names: lower-case alphanumerics starting with a letter. */
const ATTRIBUTE_NAME = /^[a-z][a-z0-9]*$/;

/** Validate a Trigger (trigger_validation.go): broker, filters, subscriber, delivery, annotations. */
export function validateTrigger(
  t: Trigger,
  features: Partial<ValidationFeatures> = {},
): FieldError[] {
  const ctx = { parentNamespace: t.metadata.namespace ?? '', features };
  const spec: Partial<Trigger['spec']> = t.spec;
  const errs: FieldError[] = [];
  if (!spec.broker) errs.push(missingField('broker'));
  errs.push(
    ...viaField(validateAttributeNames(spec.filter?.attributes ?? {}), 'filter.attributes'),
  );
  (spec.filters ?? []).forEach((f, i) => errs.push(...viaIndex(validateFilter(f), 'filters', i)));
  errs.push(...viaField(validateDestination(spec.subscriber ?? {}, ctx), 'subscriber'));
  if (spec.delivery) errs.push(...viaField(validateDelivery(spec.delivery, ctx), 'delivery'));
  return [...viaField(errs, 'spec'), ...validateAnnotations(t)];
}

/** Every key must be a valid CloudEvents attribute name. */
function validateAttributeNames(attrs: Record<string, string>): FieldError[] {
  return Object.keys(attrs)
    .filter((k) => !ATTRIBUTE_NAME.test(k))
    .map((k) =>
      genericError(
        `invalid key name "${k}"`,
        `[${k}]`,
        'Attribute name must start with a letter and can only contain lowercase alphanumeric',
      ),
    );
}

/** exact/prefix/suffix name exactly one attribute each. */
function validateSingleAttribute(expr: Record<string, string> | undefined): FieldError[] {
  if (!expr || Object.keys(expr).length === 0) return [];
  if (Object.keys(expr).length !== 1) {
    return [genericError('Multiple items found, can have only one key-value')];
  }
  return validateAttributeNames(expr);
}

/** How many dialects a filter object sets; Knative allows exactly one. */
function dialectCount(f: SubscriptionsAPIFilter): number {
  const maps = [f.exact, f.prefix, f.suffix].filter((m) => m && Object.keys(m).length > 0);
  const lists = [f.all, f.any].filter((l) => l && l.length > 0);
  return maps.length + lists.length + (f.not ? 1 : 0) + (f.cesql ? 1 : 0);
}

/** Validate one Subscriptions API filter, recursively. CESQL syntax is checked by the filter engine. */
export function validateFilter(f: SubscriptionsAPIFilter): FieldError[] {
  const errs: FieldError[] = [];
  if (dialectCount(f) > 1) {
    errs.push(genericError('multiple dialects found, filters can have only one dialect set'));
  }
  errs.push(...viaField(validateSingleAttribute(f.exact), 'exact'));
  errs.push(...viaField(validateSingleAttribute(f.prefix), 'prefix'));
  errs.push(...viaField(validateSingleAttribute(f.suffix), 'suffix'));
  (f.all ?? []).forEach((g, i) => errs.push(...viaIndex(validateFilter(g), 'all', i)));
  (f.any ?? []).forEach((g, i) => errs.push(...viaIndex(validateFilter(g), 'any', i)));
  if (f.not) errs.push(...viaField(validateFilter(f.not), 'not'));
  return errs;
}

/** Dependency must be a same-namespace ObjectReference; injection only "enabled"/"disabled" on `default`. */
function validateAnnotations(t: Trigger): FieldError[] {
  const annotations = t.metadata.annotations ?? {};
  const errs: FieldError[] = [];
  const dep = annotations[DependencyAnnotation];
  if (dep !== undefined) {
    const at = `metadata.annotations[${DependencyAnnotation}]`;
    errs.push(...viaField(validateDependency(dep, t.metadata.namespace ?? ''), at));
  }
  const inj = annotations[InjectionAnnotation];
  if (inj !== undefined) {
    const at = `metadata.annotations[${InjectionAnnotation}]`;
    if (inj !== 'enabled' && inj !== 'disabled') {
      errs.push(
        genericError(
          `The provided injection annotation value can only be "enabled" or "disabled", not "${inj}"`,
          at,
        ),
      );
    } else if (t.spec.broker !== 'default') {
      errs.push(
        genericError(
          `The provided injection annotation is only used for default broker, but non-default broker specified here: "${t.spec.broker}"`,
          at,
        ),
      );
    }
  }
  return errs;
}

function validateDependency(value: string, namespace: string): FieldError[] {
  let ref: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error();
    ref = parsed as Record<string, unknown>;
  } catch {
    return [genericError(`The provided annotation was not a corev1.ObjectReference: "${value}"`)];
  }
  const errs: FieldError[] = [];
  if (ref.namespace && ref.namespace !== namespace) {
    errs.push(
      genericError(
        `Namespace must be empty or equal to the trigger namespace "${namespace}"`,
        'namespace',
      ),
    );
  }
  for (const field of ['kind', 'name', 'apiVersion']) {
    if (!ref[field]) errs.push(missingField(field));
  }
  return errs;
}
