import { jsonEqual } from '@knative-ts/kube';

/**
 * Whether every field set in `expected` has the same value in `actual` (Knative's
 * equality.Semantic.DeepDerivative): fields the API server defaults, such as a Service's
 * sessionAffinity, are ignored, so a child is not rewritten on every reconcile.
 */
export function isDerivative(expected: unknown, actual: unknown): boolean {
  if (expected === undefined) return true;
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      expected.length === actual.length &&
      expected.every((e, i) => isDerivative(e, actual[i]))
    );
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false;
    const a = actual as Record<string, unknown>;
    return Object.entries(expected).every(([k, v]) => isDerivative(v, a[k]));
  }
  return jsonEqual(expected, actual);
}
