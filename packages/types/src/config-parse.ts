/**
 * Shape checks for ConfigMap entries that the caller already parsed from YAML, so this
 * package needs no YAML parser and never throws on a bad ConfigMap.
 */

/** A parsed config, or the reasons it is malformed. */
export type ConfigResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** Whether `v` is a plain object. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Errors for keys of `obj` that are present but not strings. */
export function nonStringFields(
  obj: Record<string, unknown>,
  keys: readonly string[],
  at: string,
): string[] {
  return keys
    .filter((k) => obj[k] !== undefined && typeof obj[k] !== 'string')
    .map((k) => `${at}.${k}: expected a string`);
}
