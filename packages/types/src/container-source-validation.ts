import type { ContainerSource } from './container-source.js';
import type { ValidationFeatures } from './features.js';
import { missingField, viaField, viaIndex, type FieldError } from './field-error.js';
import { validateSourceSpec } from './source-validation.js';

/** Validate a ContainerSource: at least one container, each with a name and an image. */
export function validateContainerSource(
  cs: ContainerSource,
  features: Partial<ValidationFeatures> = {},
): FieldError[] {
  const ctx = { parentNamespace: cs.metadata.namespace ?? '', features };
  const containers = cs.spec.template?.spec?.containers ?? [];
  const errs: FieldError[] = [];
  if (containers.length === 0) errs.push(missingField('template.spec.containers'));
  containers.forEach((c, i) => {
    const e: FieldError[] = [];
    if (!c.name) e.push(missingField('name'));
    if (!c.image) e.push(missingField('image'));
    errs.push(...viaIndex(e, 'template.spec.containers', i));
  });
  errs.push(...validateSourceSpec(cs.spec, ctx));
  return viaField(errs, 'spec');
}
