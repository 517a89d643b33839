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

/** A label key: an optional DNS subdomain prefix and a name of at most 63 characters. */
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function validLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return false;
  return LABEL_NAME.test(name);
}

/**
 * What the API server's `metav1.LabelSelectorAsSelector` would refuse, as messages with
 * the offending field (relative to the selector): bad keys or values, In/NotIn without
 * values, Exists/DoesNotExist with values.
 */
export function labelSelectorErrors(
  selector: LabelSelector,
): Array<{ path: string; message: string }> {
  const errs: Array<{ path: string; message: string }> = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (!validLabelKey(key))
      errs.push({ path: `matchLabels[${key}]`, message: `invalid label key "${key}"` });
    if (!LABEL_VALUE.test(value)) {
      errs.push({ path: `matchLabels[${key}]`, message: `invalid label value "${value}"` });
    }
  }
  (selector.matchExpressions ?? []).forEach((req, i) => {
    const path = `matchExpressions[${i}]`;
    if (!validLabelKey(req.key ?? ''))
      errs.push({ path: `${path}.key`, message: `invalid label key "${req.key}"` });
    const values = req.values ?? [];
    if ((req.operator === 'In' || req.operator === 'NotIn') && values.length === 0) {
      errs.push({ path: `${path}.values`, message: `operator ${req.operator} needs values` });
    } else if (
      (req.operator === 'Exists' || req.operator === 'DoesNotExist') &&
      values.length > 0
    ) {
      errs.push({ path: `${path}.values`, message: `operator ${req.operator} takes no values` });
    } else if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(req.operator)) {
      errs.push({
        path: `${path}.operator`,
        message: `unknown operator "${String(req.operator)}"`,
      });
    }
  });
  return errs;
}

/** Whether `name` is a valid object name of the DNS-subdomain kind (ServiceAccounts). */
export function isDnsSubdomain(name: string): boolean {
  return name.length <= 253 && DNS_SUBDOMAIN.test(name);
}
