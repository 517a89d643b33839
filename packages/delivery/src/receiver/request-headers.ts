/**
 * The headers of a request as the binding must see them: Node's `req.headers` joins a
 * repeated `ce-id` into "a, a" and keeps only the first Content-Type, which would hide
 * both duplicates. `headersDistinct` keeps every occurrence; a header sent once becomes
 * a plain string again, a repeated one stays an array (which the binding refuses).
 */
import type { IncomingMessage } from 'node:http';
import type { HeaderMap } from '../binding/binary.js';

/** `req`'s headers with repeats kept as arrays. */
export function distinctHeaders(req: IncomingMessage): HeaderMap {
  const out: Record<string, string | string[]> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (values === undefined) continue;
    out[name] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return out;
}
