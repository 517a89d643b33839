import { cesqlError, type CesqlError } from '../errors.js';

/** Token kinds of CESQL v1 (§2); keywords are recognised case-insensitively. */
export type TokenKind =
  | 'integer'
  | 'string'
  | 'identifier'
  | 'function'
  | 'keyword'
  | 'operator'
  | '('
  | ')'
  | ','
  | 'eof';

/** One token; `text` is the keyword upper-cased, the operator, or the decoded literal. */
export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** 0-based offset of the token's first character. */
  readonly position: number;
  /** For integers: whether a sign was written directly before the digits. */
  readonly signed?: boolean;
}

export const KEYWORDS = new Set([
  'AND',
  'OR',
  'XOR',
  'NOT',
  'LIKE',
  'IN',
  'EXISTS',
  'TRUE',
  'FALSE',
]);

// Longest first, so "<=" wins over "<".
const OPERATORS = ['!=', '<>', '<=', '>=', '=', '<', '>', '+', '-', '*', '/', '%'];

/** Tokenize an expression, or return the first lexical error. */
export function tokenize(
  src: string,
): { ok: true; tokens: Token[] } | { ok: false; error: CesqlError } {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src.charAt(i);
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
      continue;
    }
    const scanned = scanOne(src, i, tokens[tokens.length - 1]);
    if ('error' in scanned) return { ok: false, error: scanned.error };
    tokens.push(scanned.token);
    i = scanned.end;
  }
  tokens.push({ kind: 'eof', text: '', position: src.length });
  return { ok: true, tokens };
}

type Scanned = { token: Token; end: number } | { error: CesqlError };

function scanOne(src: string, i: number, previous: Token | undefined): Scanned {
  const c = src.charAt(i);
  if (c === '(' || c === ')' || c === ',')
    return { token: { kind: c, text: c, position: i }, end: i + 1 };
  if (c === "'" || c === '"') return scanString(src, i);
  if (isWordChar(c)) return scanWord(src, i);
  // A sign directly followed by digits is part of an integer literal (§2.2), unless the
  // previous token ends an operand: then it is the binary operator ("4-1", "4 -1").
  if ((c === '-' || c === '+') && isDigit(src.charAt(i + 1)) && !endsOperand(previous)) {
    return scanInteger(src, i);
  }
  const op = OPERATORS.find((o) => src.startsWith(o, i));
  if (op) return { token: { kind: 'operator', text: op, position: i }, end: i + op.length };
  return { error: cesqlError('parse', `unexpected character '${c}' at position ${i}`, i) };
}

function endsOperand(t: Token | undefined): boolean {
  if (!t) return false;
  if (t.kind === 'keyword') return t.text === 'TRUE' || t.text === 'FALSE';
  return t.kind === 'integer' || t.kind === 'string' || t.kind === 'identifier' || t.kind === ')';
}

function scanInteger(src: string, start: number): Scanned {
  let end = start + 1;
  while (isDigit(src.charAt(end))) end++;
  const token: Token = {
    kind: 'integer',
    text: src.slice(start, end),
    position: start,
    signed: true,
  };
  return { token, end };
}

/** Words: integers, keywords, identifiers and function names share one character run. */
function scanWord(src: string, start: number): Scanned {
  let end = start;
  while (isWordChar(src.charAt(end))) end++;
  const text = src.slice(start, end);
  if (/^[0-9]+$/.test(text)) return { token: { kind: 'integer', text, position: start }, end };
  const upper = text.toUpperCase();
  if (KEYWORDS.has(upper)) return { token: { kind: 'keyword', text: upper, position: start }, end };
  // Function identifiers are letters and "_" (§2.4); value identifiers letters and digits (§2.2).
  if (nextNonSpace(src, end) === '(' && /^[A-Za-z][A-Za-z_]*$/.test(text)) {
    return { token: { kind: 'function', text: upper, position: start }, end };
  }
  if (/^[A-Za-z0-9]+$/.test(text)) {
    // Attribute names are lower-case in CloudEvents; identifiers are matched as such.
    return { token: { kind: 'identifier', text: text.toLowerCase(), position: start }, end };
  }
  return { error: cesqlError('parse', `invalid identifier '${text}' at position ${start}`, start) };
}

/**
 * String literals (§2.2): either quote style; a backslash before the delimiting quote
 * escapes it, and so does a doubled quote (as the spec's ANTLR lexer allows). Every other
 * backslash is kept as written, so LIKE patterns still see their `\%` and `\_` escapes.
 */
function scanString(src: string, start: number): Scanned {
  const quote = src.charAt(start);
  let out = '';
  let i = start + 1;
  while (i < src.length) {
    const c = src.charAt(i);
    if (c === '\\' && i + 1 < src.length) {
      // A backslash and the next character are consumed as a pair, as in the spec's
      // lexer; only an escaped quote loses its backslash.
      const next = src.charAt(i + 1);
      out += next === quote ? quote : c + next;
      i += 2;
    } else if (c === quote && src.charAt(i + 1) === quote) {
      out += quote;
      i += 2;
    } else if (c === quote) {
      return { token: { kind: 'string', text: out, position: start }, end: i + 1 };
    } else {
      out += c;
      i++;
    }
  }
  return { error: cesqlError('parse', `unterminated string literal at position ${start}`, start) };
}

function nextNonSpace(src: string, from: number): string {
  let i = from;
  while (/\s/.test(src.charAt(i))) i++;
  return src.charAt(i);
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function isWordChar(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || c === '_';
}
