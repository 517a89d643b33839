/**
 * Finds the raw text of top-level members of a JSON object that JSON.parse already
 * accepted. Structured-mode `data` is kept as the sender's exact JSON text: re-serialising
 * the parsed value would change number formatting, lose precision on big integers and drop
 * whitespace, and events must not be altered in transit.
 */

/** Raw text of the last top-level member named `name`, or undefined. */
export function rawMember(json: string, name: string): string | undefined {
  let i = skipWs(json, 0);
  if (json[i] !== '{') return undefined;
  i = skipWs(json, i + 1);
  let found: string | undefined;
  while (i < json.length && json[i] !== '}') {
    const keyEnd = skipString(json, i);
    const key = JSON.parse(json.slice(i, keyEnd)) as string;
    i = skipWs(json, skipWs(json, keyEnd) + 1); // past ':'
    const valueEnd = skipValue(json, i);
    // JSON.parse keeps the last duplicate member; so do we.
    if (key === name) found = json.slice(i, valueEnd);
    i = skipWs(json, valueEnd);
    if (json[i] === ',') i = skipWs(json, i + 1);
  }
  return found;
}

function skipWs(s: string, i: number): number {
  while (i < s.length && (s[i] === ' ' || s[i] === '\n' || s[i] === '\r' || s[i] === '\t')) i++;
  return i;
}

/** Index just past the string starting at `i` (which is a `"`). */
function skipString(s: string, i: number): number {
  let j = i + 1;
  while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
  return j + 1;
}

/** Index just past the value starting at `i`. */
function skipValue(s: string, i: number): number {
  const c = s[i];
  if (c === '"') return skipString(s, i);
  if (c !== '{' && c !== '[') {
    let j = i;
    while (j < s.length && !',}] \t\r\n'.includes(s[j] ?? '')) j++;
    return j;
  }
  let depth = 0;
  let j = i;
  while (j < s.length) {
    const ch = s[j];
    if (ch === '"') {
      j = skipString(s, j);
      continue;
    }
    if (ch === '{' || ch === '[') depth++;
    if (ch === '}' || ch === ']') depth--;
    j++;
    if (depth === 0) return j;
  }
  return j;
}
