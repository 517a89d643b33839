/**
 * A validation failure at one field, like knative.dev/pkg apis.FieldError. Validators
 * return lists of these and never throw, so callers can report every problem at once.
 */
export interface FieldError {
  /**
   * Dotted path from the validated object, e.g. `spec.steps[0].ref.name`; '' for the object
   * itself; several alternatives are comma-separated (`spec.reply, spec.subscriber`).
   */
  path: string;
  message: string;
  details?: string;
}

/**
 * Join a parent path and a child path (`spec` + `channel` → `spec.channel`, + `[0]` →
 * `spec[0]`). A child naming several alternatives (`reply, subscriber`) gets each prefixed.
 */
export function joinPath(parent: string, child: string): string {
  if (!parent) return child;
  if (!child) return parent;
  return child
    .split(', ')
    .map((c) => (c.startsWith('[') ? parent + c : `${parent}.${c}`))
    .join(', ');
}

/** Prefix every error's path with `parent`, as Knative's ViaField does. */
export function viaField(errors: readonly FieldError[], parent: string): FieldError[] {
  return errors.map((e) => ({ ...e, path: joinPath(parent, e.path) }));
}

/** Prefix every error's path with `field[index]`, as Knative's ViaFieldIndex does. */
export function viaIndex(
  errors: readonly FieldError[],
  field: string,
  index: number,
): FieldError[] {
  return viaField(errors, `${field}[${index}]`);
}

/** The field must be set. */
export function missingField(path: string, details?: string): FieldError {
  return withDetails({ path, message: 'missing field(s)' }, details);
}

/** The field holds a value that is not allowed. */
export function invalidValue(value: unknown, path: string, details?: string): FieldError {
  return withDetails({ path, message: `invalid value: ${String(value)}` }, details);
}

/** The field must not be set. */
export function disallowedField(path: string, details?: string): FieldError {
  return withDetails({ path, message: 'must not set the field(s)' }, details);
}

/** A free-form error at `path`. */
export function genericError(message: string, path = '', details?: string): FieldError {
  return withDetails({ path, message }, details);
}

/** Render errors as one line each, `message: path`, as Knative's FieldError.Error() does. */
export function formatFieldErrors(errors: readonly FieldError[]): string {
  return errors
    .map((e) => {
      const head = e.path ? `${e.message}: ${e.path}` : e.message;
      return e.details ? `${head}\n${e.details}` : head;
    })
    .join('\n');
}

function withDetails(e: FieldError, details: string | undefined): FieldError {
  return details ? { ...e, details } : e;
}
