/**
 * Compile a LIKE pattern (§3.4.3) to an anchored RegExp once, at parse time: `%` is any
 * run of characters, `_` exactly one character (a Unicode code point), `\%` and `\_` the
 * literal characters. A backslash before anything else is itself a literal backslash, as
 * the TCK's `'ab\c' LIKE 'ab\c'` requires. Matching is case-sensitive.
 */
export function likeToRegExp(pattern: string): RegExp {
  let source = '^';
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    const next = chars[i + 1];
    if (c === '\\' && (next === '%' || next === '_')) {
      source += escapeRegExp(next);
      i++;
    } else if (c === '%') {
      source += '.*';
    } else if (c === '_') {
      source += '.';
    } else {
      source += escapeRegExp(c);
    }
  }
  // "s": "%" and "_" also match line breaks; "u": "_" is one code point, not one UTF-16 unit.
  return new RegExp(source + '$', 'su');
}

function escapeRegExp(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c;
}
