/**
 * Headers copied from one hop to the next. Everything else is dropped (`ce-*` are
 * re-rendered from the event). The list is data-plane-spec D.29 (X-Request-Id,
 * Retry-After, Knative-*, X-B3-*) plus eventing `pkg/utils/headers.go`'s reserved
 * `K-Eventing-*` prefix and W3C Trace Context (`traceparent`, `tracestate`), which
 * channels MUST pass to subscribers (D.30).
 */
import type { HeaderMap } from '../binding/binary.js';

const EXACT = new Set(['x-request-id', 'retry-after', 'traceparent', 'tracestate']);
const PREFIXES = ['knative-', 'k-eventing-', 'x-b3-'];

/** Namespace of the Trigger/Subscription, added on every request (eventing `KnNamespaceHeader`). */
export const KN_NAMESPACE_HEADER = 'kn-namespace';

/** The allowed subset of `headers`, names in lower case, repeated values joined. */
export function passThroughHeaders(headers: HeaderMap | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers === undefined) return out;
  // Runs for every delivery and every response: no array per header.
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (EXACT.has(lower) || hasPassThroughPrefix(lower)) {
      out[lower] = Array.isArray(value) ? value.join(', ') : value;
    }
  }
  return out;
}

function hasPassThroughPrefix(name: string): boolean {
  for (const prefix of PREFIXES) if (name.startsWith(prefix)) return true;
  return false;
}
