import type { CesqlErrorKind } from '../../errors.js';
import { compileCesql } from '../compile.js';
import type { Value } from '../values.js';

/** One table case: the expression, the expected value (or a parse error), an error kind. */
export interface Case {
  expr: string;
  /** Expected value; omitted when only the error matters (the TCK does this too). */
  value?: Value;
  /** Expected error kind; `undefined` means no error at all. */
  error?: CesqlErrorKind;
  /** Attributes added to (or, with `undefined`, removed from) the base event. */
  attrs?: Record<string, string | undefined>;
}

/** A valid event the TCK lets any implementation choose. */
export const BASE = { specversion: '1.0', id: 'myId', source: '/tck', type: 'tck.type' };

/** Evaluate a case the way the TCK does: value, then the presence of the expected error. */
export function run(c: Case): { value?: Value; errors: CesqlErrorKind[] } {
  const compiled = compileCesql(c.expr);
  if (!compiled.ok) return { errors: ['parse'] };
  const attributes: Record<string, string> = { ...BASE };
  for (const [k, v] of Object.entries(c.attrs ?? {})) {
    if (v === undefined) delete attributes[k];
    else attributes[k] = v;
  }
  const { value, errors } = compiled.evaluate({ attributes });
  return { value, errors: errors.map((e) => e.kind) };
}

/** Assert one case. */
export function check(c: Case): void {
  const got = run(c);
  if (c.error === 'parse') {
    expect(got.errors).toEqual(['parse']);
    return;
  }
  if ('value' in c) expect(got.value).toStrictEqual(c.value);
  if (c.error === undefined) expect(got.errors).toEqual([]);
  else expect(got.errors).toContain(c.error);
}
