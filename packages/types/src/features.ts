/**
 * The `config-features` flags that change what validation accepts. Parsed once at the edge
 * by whoever reads the ConfigMap; validators take the result.
 */
export interface ValidationFeatures {
  /** `delivery-timeout` (beta, on): allows `delivery.timeout`. */
  deliveryTimeout: boolean;
  /** `delivery-retryafter` (alpha, off): allows `delivery.retryAfterMax`. */
  deliveryRetryAfter: boolean;
  /** `cross-namespace-event-links` (alpha, off): references may name other namespaces. */
  crossNamespaceEventLinks: boolean;
  /** `kreference-group` (alpha, off): a KReference may give `group` instead of apiVersion. */
  kreferenceGroup: boolean;
}

/** Knative's shipped defaults for the flags above. */
export const DefaultValidationFeatures: ValidationFeatures = {
  deliveryTimeout: true,
  deliveryRetryAfter: false,
  crossNamespaceEventLinks: false,
  kreferenceGroup: false,
};

/** Fill unspecified flags with Knative's defaults. */
export function withDefaultFeatures(f: Partial<ValidationFeatures> = {}): ValidationFeatures {
  return { ...DefaultValidationFeatures, ...f };
}
