/** One requirement of an equality-based label selector. */
type Requirement =
  | { op: '='; key: string; value: string }
  | { op: '!='; key: string; value: string }
  | { op: 'exists' | '!exists'; key: string };

/** Parses `a=b,c==d,e!=f,g,!h` (set-based `in`/`notin` are not supported). */
export function parseLabelSelector(selector: string): Requirement[] {
  return selector
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part): Requirement => {
      const ne = /^([^!=\s]+)\s*!=\s*(\S*)$/.exec(part);
      if (ne) return { op: '!=', key: ne[1] ?? '', value: ne[2] ?? '' };
      const eq = /^([^!=\s]+)\s*==?\s*(\S*)$/.exec(part);
      if (eq) return { op: '=', key: eq[1] ?? '', value: eq[2] ?? '' };
      if (part.startsWith('!')) return { op: '!exists', key: part.slice(1) };
      if (/^[^\s=!]+$/.test(part)) return { op: 'exists', key: part };
      throw new Error(`unsupported label selector requirement '${part}' in '${selector}'`);
    });
}

/** Whether `labels` satisfy `selector`; an empty selector matches everything. */
export function matchesLabels(
  selector: string | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector) return true;
  const have = labels ?? {};
  return parseLabelSelector(selector).every((req) => {
    const value = have[req.key];
    switch (req.op) {
      case '=':
        return value === req.value;
      case '!=':
        return value !== req.value;
      case 'exists':
        return value !== undefined;
      case '!exists':
        return value === undefined;
    }
  });
}
