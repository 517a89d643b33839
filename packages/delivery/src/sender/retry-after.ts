/**
 * `Retry-After` (RFC 9110 §10.2.3): delta-seconds or an HTTP-date. Knative honours it only
 * on 429 and 503, only when `delivery.retryAfterMax` is set (flag `delivery-retryafter`),
 * capped by it; `PT0S` therefore ignores it (eventing `generateBackoffFn`).
 */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
// IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`
const IMF = /^[A-Za-z]{3}, (\d{2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
// RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT`
const RFC850 = /^[A-Za-z]+, (\d{2})-([A-Za-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
// asctime `Sun Nov  6 08:49:37 1994`
const ASCTIME = /^[A-Za-z]{3} ([A-Za-z]{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/** Milliseconds a Retry-After value asks to wait (may be ≤ 0), or undefined if unparsable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  // Go's strconv.ParseInt: optional sign, digits, no spaces.
  if (/^[+-]?\d+$/.test(value)) return Number(value) * 1000;
  const at = parseHttpDate(value);
  return at === undefined ? undefined : at - nowMs;
}

/** The three date formats Go's http.ParseTime accepts, as epoch milliseconds. */
export function parseHttpDate(value: string): number | undefined {
  let m = IMF.exec(value);
  if (m) return utc(m[3], m[2], m[1], m[4], m[5], m[6]);
  m = RFC850.exec(value);
  if (m) {
    // Two-digit years: Go maps 69–99 to 19xx and 00–68 to 20xx.
    const yy = Number(m[3]);
    return utc(String(yy >= 69 ? 1900 + yy : 2000 + yy), m[2], m[1], m[4], m[5], m[6]);
  }
  m = ASCTIME.exec(value);
  if (m) return utc(m[6], m[1], m[2], m[3], m[4], m[5]);
  return undefined;
}

function utc(...[year, month, day, h, min, s]: (string | undefined)[]): number | undefined {
  const mon = MONTHS.indexOf((month ?? '').toLowerCase());
  if (mon < 0) return undefined;
  const ms = Date.UTC(Number(year), mon, Number(day), Number(h), Number(min), Number(s));
  return Number.isNaN(ms) ? undefined : ms;
}
