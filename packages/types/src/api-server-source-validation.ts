import type { ApiServerSource } from './api-server-source.js';
import type { ValidationFeatures } from './features.js';
import {
  genericError,
  invalidValue,
  missingField,
  viaField,
  viaIndex,
  type FieldError,
} from './field-error.js';
import type { LabelSelector } from './duck.js';
import { isDnsSubdomain, labelSelectorErrors } from './label-selector.js';
import { validateSourceSpec } from './source-validation.js';
import { validateFilter } from './trigger-validation.js';

/** A group/version string has at most one slash (schema.ParseGroupVersion). */
function apiVersionKindErrors(
  apiVersion: string | undefined,
  kind: string | undefined,
): FieldError[] {
  const errs: FieldError[] = [];
  if ((apiVersion ?? '').split('/').length > 2) errs.push(invalidValue(apiVersion, 'apiVersion'));
  if (!kind?.trim()) errs.push(missingField('kind'));
  return errs;
}

/** Validate a defaulted ApiServerSource (apiserver_validation.go). */
export function validateApiServerSource(
  src: ApiServerSource,
  features: Partial<ValidationFeatures> = {},
): FieldError[] {
  const ctx = { parentNamespace: src.metadata.namespace ?? '', features };
  const spec = src.spec;
  const errs: FieldError[] = [];
  if (spec.mode !== 'Reference' && spec.mode !== 'Resource') {
    errs.push(invalidValue(spec.mode, 'mode'));
  }
  const resources = spec.resources ?? [];
  if (resources.length === 0) errs.push(missingField('resources'));
  resources.forEach((r, i) => {
    const e = apiVersionKindErrors(r.apiVersion, r.kind);
    if (r.selector) e.push(...viaField(selectorErrors(r.selector), 'selector'));
    errs.push(...viaIndex(e, 'resources', i));
  });
  if (spec.namespaceSelector) {
    errs.push(...viaField(selectorErrors(spec.namespaceSelector), 'namespaceSelector'));
  }
  if (spec.serviceAccountName !== undefined && !isDnsSubdomain(spec.serviceAccountName)) {
    errs.push(
      invalidValue(spec.serviceAccountName, 'serviceAccountName', 'not a DNS-1123 subdomain'),
    );
  }
  if (spec.owner) {
    errs.push(...viaField(apiVersionKindErrors(spec.owner.apiVersion, spec.owner.kind), 'owner'));
  }
  (spec.filters ?? []).forEach((f, i) => errs.push(...viaIndex(validateFilter(f), 'filters', i)));
  errs.push(...validateSourceSpec(spec, ctx));
  return viaField(errs, 'spec');
}

function selectorErrors(selector: LabelSelector): FieldError[] {
  return labelSelectorErrors(selector).map((e) => genericError(e.message, e.path));
}
