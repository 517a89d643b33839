/**
 * Go `time.Duration` strings (`30s`, `1h30m`, `500ms`), the format eventing-natss's
 * NatsJetStreamChannel uses for stream and consumer durations (metav1.Duration). Pure.
 */

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;

/** Milliseconds of a Go duration string; throws a RangeError naming the bad input. */
export function parseGoDuration(text: string): number {
  const s = text.trim();
  if (s === '0' || s === '+0' || s === '-0') return 0;
  let i = 0;
  let sign = 1;
  if (s[0] === '+' || s[0] === '-') {
    sign = s[0] === '-' ? -1 : 1;
    i = 1;
  }
  if (i >= s.length) throw new RangeError(`"${text}" is not a Go duration (e.g. 30s, 1h30m)`);
  let total = 0;
  while (i < s.length) {
    PART.lastIndex = i;
    const m = PART.exec(s);
    if (!m) throw new RangeError(`"${text}" is not a Go duration (e.g. 30s, 1h30m)`);
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? 0);
    i = PART.lastIndex;
  }
  return sign * total;
}

/** Nanoseconds (what the JetStream API takes) from milliseconds, rounded. */
export function nanos(ms: number): number {
  return Math.round(ms * 1e6);
}
