import { BrokerClassAnnotation, type Broker } from './broker.js';
import { validateDelivery } from './delivery-validation.js';
import { validateKReference } from './destination-validation.js';
import type { ValidationFeatures } from './features.js';
import { missingField, viaField, type FieldError } from './field-error.js';

const classPath = `metadata.annotations[${BrokerClassAnnotation}]`;

/**
 * Validate a defaulted Broker (broker_validation.go): the class annotation is required; the
 * config may live in another namespace (shared ConfigMaps) unless the defaults forbid it.
 */
export function validateBroker(
  b: Broker,
  features: Partial<ValidationFeatures> = {},
  disallowDifferentNamespaceConfig = false,
): FieldError[] {
  const ctx = {
    parentNamespace: b.metadata.namespace ?? '',
    features,
    allowDifferentNamespace: !disallowDifferentNamespaceConfig,
  };
  const errs: FieldError[] = [];
  if (!b.metadata.annotations?.[BrokerClassAnnotation]) errs.push(missingField(classPath));
  const spec: FieldError[] = [];
  if (b.spec.config) spec.push(...viaField(validateKReference(b.spec.config, ctx), 'config'));
  if (b.spec.delivery) spec.push(...viaField(validateDelivery(b.spec.delivery, ctx), 'delivery'));
  return [...errs, ...viaField(spec, 'spec')];
}
