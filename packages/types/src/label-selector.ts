import type { LabelSelector } from './duck.js';

/**
 * A LabelSelector as the API server's `labelSelector` query parameter
 * (`metav1.LabelSelectorAsSelector(...).String()`): `a=b,c in (d,e),!f`, sorted by key.
 */
export function labelSelectorString(selector: LabelSelector | undefined): string {
  if (!selector) return '';
  const parts: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    parts.push([key, `${key}=${value}`]);
  }
  for (const req of selector.matchExpressions ?? []) {
    const values = [...(req.values ?? [])].sort().join(',');
    switch (req.operator) {
      case 'In':
        parts.push([req.key, `${req.key} in (${values})`]);
        break;
      case 'NotIn':
        parts.push([req.key, `${req.key} notin (${values})`]);
        break;
      case 'Exists':
        parts.push([req.key, req.key]);
        break;
      case 'DoesNotExist':
        parts.push([req.key, `!${req.key}`]);
        break;
    }
  }
  return parts
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, s]) => s)
    .join(',');
}

/** Whether `labels` satisfy `selector` (every matchLabels pair and every expression). */
export function matchesLabelSelector(
  selector: LabelSelector | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector) return false;
  const have = labels ?? {};
  const pairs = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => have[k] === v);
  return (
    pairs &&
    (selector.matchExpressions ?? []).every((req) => {
      const value = have[req.key];
      switch (req.operator) {
        case 'In':
          return value !== undefined && (req.values ?? []).includes(value);
        case 'NotIn':
          return value === undefined || !(req.values ?? []).includes(value);
        case 'Exists':
          return value !== undefined;
        case 'DoesNotExist':
          return value === undefined;
      }
      return false;
    })
  );
}

/** A selector with neither labels nor expressions (it selects everything). */
export function isEmptyLabelSelector(selector: LabelSelector | undefined): boolean {
  return (
    selector !== undefined &&
    Object.keys(selector.matchLabels ?? {}).length === 0 &&
    (selector.matchExpressions ?? []).length === 0
  );
}
