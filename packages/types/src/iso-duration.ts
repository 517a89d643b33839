/**
 * ISO-8601 durations (`PT0.2S`, `P1DT2H`, `-PT5M`), parsed the way Knative does with
 * rickb777/date/period and converted with its DurationApprox: a year is 365.2425 days, a
 * month a twelfth of that, a day 24 h. Delivery fields (backoffDelay, timeout, retryAfterMax)
 * and KafkaChannel retention use them.
 */

/** Outcome of parsing a duration: milliseconds, or why it is not a duration. */
export type IsoDurationResult = { ok: true; ms: number } | { ok: false; error: string };

const MS_SECOND = 1000;
const MS_MINUTE = 60 * MS_SECOND;
const MS_HOUR = 60 * MS_MINUTE;
const MS_DAY = 24 * MS_HOUR;
const MS_YEAR = 365.2425 * MS_DAY;
const MS_MONTH = MS_YEAR / 12;

const DATE_UNITS: Record<string, number> = { Y: MS_YEAR, M: MS_MONTH, W: 7 * MS_DAY, D: MS_DAY };
const TIME_UNITS: Record<string, number> = { H: MS_HOUR, M: MS_MINUTE, S: MS_SECOND };
const COMPONENT = /^(\d+(?:[.,]\d+)?)([A-Z])/;

/** Parse an ISO-8601 duration into milliseconds (rounded), never throwing. */
export function parseIsoDuration(input: string): IsoDurationResult {
  let s = input;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s.startsWith('-') ? -1 : 1;
    s = s.slice(1);
  }
  if (!s.startsWith('P')) return fail(input, "expected 'P' period designator");
  s = s.slice(1);
  const tAt = s.indexOf('T');
  const datePart = tAt < 0 ? s : s.slice(0, tAt);
  const timePart = tAt < 0 ? undefined : s.slice(tAt + 1);
  if (datePart === '' && !timePart) return fail(input, 'expected at least one component');
  if (timePart === '') return fail(input, "expected components after 'T'");
  const date = sumComponents(datePart, DATE_UNITS, 'YMWD');
  if (typeof date === 'string') return fail(input, date);
  const time = timePart === undefined ? 0 : sumComponents(timePart, TIME_UNITS, 'HMS');
  if (typeof time === 'string') return fail(input, time);
  const ms = Math.round(sign * (date + time));
  // Avoid -0 so callers comparing with === 0 (zero timeout) behave.
  return { ok: true, ms: ms === 0 ? 0 : ms };
}

/** Whether `input` is a valid ISO-8601 duration. */
export function isIsoDuration(input: string): boolean {
  return parseIsoDuration(input).ok;
}

/** Sum `<number><unit>` components in the given unit order; a string is an error. */
function sumComponents(
  part: string,
  units: Record<string, number>,
  order: string,
): number | string {
  let rest = part;
  let total = 0;
  let lastIndex = -1;
  let sawFraction = false;
  while (rest !== '') {
    const m = COMPONENT.exec(rest);
    if (!m || m[1] === undefined || m[2] === undefined) return `unexpected '${rest}'`;
    const index = order.indexOf(m[2]);
    if (index < 0) return `unknown designator '${m[2]}'`;
    if (index <= lastIndex) return `designator '${m[2]}' out of order or repeated`;
    // Only the smallest component given may carry a fraction, as ISO-8601 requires.
    if (sawFraction) return 'only the last component may have a fraction';
    sawFraction = /[.,]/.test(m[1]);
    total += Number(m[1].replace(',', '.')) * (units[m[2]] ?? 0);
    lastIndex = index;
    rest = rest.slice(m[0].length);
  }
  return total;
}

function fail(input: string, why: string): IsoDurationResult {
  return { ok: false, error: `invalid ISO-8601 duration "${input}": ${why}` };
}
