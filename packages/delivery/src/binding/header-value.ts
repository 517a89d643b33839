/**
 * Header values of binary mode, per the CloudEvents HTTP binding 1.0.2 §3.1.3.2, and as
 * Knative's Go senders really write them.
 *
 * Out: space, `"`, `%` and everything outside printable ASCII is percent-encoded as UTF-8
 * bytes (upper-case hex).
 *
 * In: a value wrapped whole in an RFC 7230 quoted string is unquoted first; a value made
 * only of what a conforming encoder writes (printable ASCII without `"`, every `%`
 * starting a `%XX` escape) gets one round of percent-decoding, and escaped bytes that are
 * not valid UTF-8 (e.g. the overlong `%C0%A0`) are refused, as the spec requires. Anything
 * else is not percent-encoding at all: sdk-go (v2.15) neither encodes nor decodes, so
 * Knative's sources send values like `{"a": 5}`, `100%` or raw UTF-8 bytes as they are.
 * Such a value is kept raw (its bytes read as UTF-8; Node hands header bytes over as
 * latin1 characters). `decodeHeader` also reports whether re-encoding the value would
 * give back other bytes, so the forwarder can send the header exactly as received.
 */
import { BindingError, BindingReason } from '../errors.js';

// Printable ASCII except `"` (0x22) and `%` (0x25): the characters left as they are.
const NEEDS_NO_ENCODING = /^[\x21\x23\x24\x26-\x7e]*$/;
// What a conforming encoder can produce: printable ASCII without `"`, `%` only in escapes.
const PERCENT_ENCODED = /^(?:[\x21\x23\x24\x26-\x7e]|%[0-9A-Fa-f]{2})*$/;
// The same inside a quoted string, where older spec versions left spaces unencoded.
const PERCENT_ENCODED_QUOTED = /^(?:[\x20-\x24\x26-\x7e]|%[0-9A-Fa-f]{2})*$/;
const QUOTED_STRING = /^"(?:[^"\\]|\\[\s\S])*"$/;
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

/** A decoded header: the attribute value, and whether `encodeHeaderValue` would alter the bytes. */
export interface DecodedHeader {
  value: string;
  /** True when the header must be re-sent as received to reach the next hop unchanged. */
  keepRaw: boolean;
}

/** Decode a `ce-*` header value; throws BindingError (400) naming the header. */
export function decodeHeaderValue(header: string, raw: string): string {
  return decodeHeader(header, raw).value;
}

/** Decode a `ce-*` header value and tell whether its raw form must be kept for forwarding. */
export function decodeHeader(header: string, raw: string): DecodedHeader {
  // The common case: nothing to decode, and encoding gives the same bytes back.
  if (NEEDS_NO_ENCODING.test(raw)) return { value: raw, keepRaw: false };
  const value = decodeUnusual(header, raw);
  return { value, keepRaw: encodeHeaderValue(value) !== raw };
}

function decodeUnusual(header: string, raw: string): string {
  if (QUOTED_STRING.test(raw)) {
    const inner = unquote(raw);
    return PERCENT_ENCODED_QUOTED.test(inner)
      ? percentDecode(header, inner)
      : rawUtf8(header, inner);
  }
  if (PERCENT_ENCODED.test(raw)) return percentDecode(header, raw);
  return rawUtf8(header, raw);
}

/** One round of percent-decoding, then strict UTF-8 (the spec's MUST reject). */
function percentDecode(header: string, text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x25) {
      bytes.push(c);
      continue;
    }
    bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
    i += 2;
  }
  try {
    return strictUtf8.decode(new Uint8Array(bytes));
  } catch (err) {
    // The fatal decoder rejects overlong forms, surrogates and truncated sequences.
    throw invalid(header, `percent-encoded bytes are not valid UTF-8 (${String(err)})`);
  }
}

/** A value sent without percent-encoding: its header bytes (latin1 chars in Node) as UTF-8. */
function rawUtf8(header: string, text: string): string {
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw invalid(header, 'header value holds a character that is not a byte');
    if (c > 0x7f) ascii = false;
  }
  if (ascii) return text;
  try {
    return strictUtf8.decode(Buffer.from(text, 'latin1'));
  } catch (err) {
    throw invalid(header, `raw header bytes are not valid UTF-8 (${String(err)})`);
  }
}

/** Undo an RFC 7230 §3.2.6 quoted string (already matched whole by QUOTED_STRING). */
function unquote(raw: string): string {
  let out = '';
  for (let i = 1; i < raw.length - 1; i++) {
    const ch = raw[i] ?? '';
    if (ch === '\\') i++;
    out += raw[i] ?? '';
  }
  return out;
}

function invalid(header: string, why: string): BindingError {
  return new BindingError(BindingReason.InvalidHeaderEncoding, `header ${header}: ${why}`, {
    header,
  });
}
