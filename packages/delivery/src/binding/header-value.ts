/**
 * Header values of binary mode, per the CloudEvents HTTP binding §3.1.3.2: on the way out,
 * space, `"`, `%` and everything outside printable ASCII is percent-encoded as UTF-8
 * bytes (upper-case hex); on the way in, RFC 7230 quoted strings are unescaped first, then
 * one round of percent-decoding runs and byte sequences that are not valid UTF-8
 * (e.g. the overlong `%C0%A0`) are rejected.
 */
import { BindingError, BindingReason } from '../errors.js';

// Printable ASCII except `"` (0x22) and `%` (0x25): the characters left as they are.
const NEEDS_NO_ENCODING = /^[\x21\x23\x24\x26-\x7e]*$/;
const HEX = '0123456789ABCDEF';
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Percent-encode an attribute value for a `ce-*` header. */
export function encodeHeaderValue(value: string): string {
  if (NEEDS_NO_ENCODING.test(value)) return value;
  let out = '';
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0x21 && cp <= 0x7e && cp !== 0x22 && cp !== 0x25) {
      out += ch;
      continue;
    }
    for (const byte of utf8.encode(ch)) out += '%' + HEX[byte >> 4] + HEX[byte & 0xf];
  }
  return out;
}

/** Decode a `ce-*` header value; throws BindingError (400) naming the header. */
export function decodeHeaderValue(header: string, raw: string): string {
  const unquoted = raw.includes('"') ? unquote(header, raw) : raw;
  if (!unquoted.includes('%')) {
    checkAscii(header, unquoted);
    return unquoted;
  }
  const bytes: number[] = [];
  for (let i = 0; i < unquoted.length; i++) {
    const c = unquoted.charCodeAt(i);
    if (c !== 0x25) {
      if (c > 0x7e) throw invalid(header, 'raw non-ASCII character in header value');
      bytes.push(c);
      continue;
    }
    const hex = unquoted.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw invalid(header, `bad percent-escape at ${i}`);
    bytes.push(parseInt(hex, 16));
    i += 2;
  }
  try {
    return strictUtf8.decode(new Uint8Array(bytes));
  } catch (err) {
    // The fatal decoder rejects overlong forms, surrogates and truncated sequences.
    throw invalid(header, `percent-encoded bytes are not valid UTF-8 (${String(err)})`);
  }
}

/** Undo RFC 7230 §3.2.6 quoted strings (with backslash escapes) inside a header value. */
function unquote(header: string, raw: string): string {
  let out = '';
  let quoted = false;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] ?? '';
    if (ch === '"') {
      quoted = !quoted;
    } else if (quoted && ch === '\\') {
      i++;
      if (i >= raw.length) throw invalid(header, 'dangling backslash in quoted string');
      out += raw[i];
    } else {
      out += ch;
    }
  }
  if (quoted) throw invalid(header, 'unterminated quoted string');
  return out;
}

function checkAscii(header: string, value: string): void {
  // Node hands obs-text bytes over as latin1 characters; the binding allows only ASCII.
  for (let i = 0; i < value.length; i++) {
    if (value.charCodeAt(i) > 0x7e)
      throw invalid(header, 'raw non-ASCII character in header value');
  }
}

function invalid(header: string, why: string): BindingError {
  return new BindingError(BindingReason.InvalidHeaderEncoding, `header ${header}: ${why}`, {
    header,
  });
}
