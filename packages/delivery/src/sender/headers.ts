/**
 * Headers copied from one hop to the next. Everything else is dropped (`ce-*` are
 * re-rendered from the event). The list is data-plane-spec D.29 (X-Request-Id,
 * Retry-After, Knative-*, X-B3-*) plus eventing `pkg/utils/headers.go`'s reserved
 * `K-Eventing-*` prefix and W3C Trace Context (`traceparent`, `tracestate`), which
 * channels MUST pass to subscribers (D.30).
 */
import type { HeaderMap } from '../binding/binary.js';
import { RecentEntryCache } from '../recent-entry-cache.js';

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

const forwarded = new RecentEntryCache<
  HeaderMap,
  { namespace: string | undefined; headers: Readonly<Record<string, string>> }
>();

/**
 * What every leg of a delivery forwards: the pass-through subset of the incoming headers
 * and `Kn-Namespace`. A fan-out forwards one request's headers to every subscriber of one
 * namespace, so the answer is kept with the incoming headers (which are never changed once
 * received) and frozen, since it is shared.
 */
export function forwardedHeaders(
  incoming: HeaderMap | undefined,
  namespace: string | undefined,
): Readonly<Record<string, string>> {
  const known = incoming === undefined ? undefined : forwarded.get(incoming);
  if (known !== undefined && known.namespace === namespace) return known.headers;
  const headers = passThroughHeaders(incoming);
  if (namespace !== undefined) headers[KN_NAMESPACE_HEADER] = namespace;
  Object.freeze(headers);
  if (incoming !== undefined) forwarded.set(incoming, { namespace, headers });
  return headers;
}
