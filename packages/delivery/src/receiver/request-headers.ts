/**
 * The headers of a request as the binding must see them: Node's `req.headers` joins a
 * repeated `ce-id` into "a, a" and keeps only the first Content-Type, which would hide
 * both duplicates. Every occurrence is kept: a header sent once is a plain string, a
 * repeated one an array (which the binding refuses).
 *
 * Read from `rawHeaders` rather than `headersDistinct`: that getter builds an array per
 * header, and walking it another array per header, for every event received.
 */
import type { IncomingMessage } from 'node:http';
import type { HeaderMap } from '../binding/binary.js';

/** `req`'s headers with lower-case names and repeats kept as arrays. */
export function distinctHeaders(req: Pick<IncomingMessage, 'rawHeaders'>): HeaderMap {
  const out: Record<string, string | string[]> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    const seen = out[name];
    if (seen === undefined) out[name] = value;
    else if (typeof seen === 'string') out[name] = [seen, value];
    else seen.push(value);
  }
  return out;
}
