/**
 * Syntax check of PingSource schedules, matching robfig/cron with an optional seconds field
 * and descriptors (`@hourly`…), as Knative parses them; `@every` is rejected (reference §6).
 */

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const SECOND: FieldSpec = { name: 'second', min: 0, max: 59 };
const STANDARD: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day of week', min: 0, max: 6, names: DAYS },
];
const DESCRIPTORS = [
  '@yearly',
  '@annually',
  '@monthly',
  '@weekly',
  '@daily',
  '@midnight',
  '@hourly',
];

/** Why `schedule` is not a valid cron expression, or undefined when it is. */
export function cronScheduleError(schedule: string): string | undefined {
  const s = schedule.trim();
  if (s.startsWith('@')) {
    return DESCRIPTORS.includes(s) ? undefined : `unrecognized descriptor: ${s}`;
  }
  const fields = s.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 5 && fields.length !== 6) {
    return `expected 5 to 6 fields, found ${fields.length}: ${s}`;
  }
  const specs = fields.length === 6 ? [SECOND, ...STANDARD] : STANDARD;
  for (let i = 0; i < fields.length; i++) {
    const spec = specs[i];
    const field = fields[i];
    if (spec === undefined || field === undefined) continue;
    const err = fieldError(field, spec);
    if (err) return err;
  }
  return undefined;
}

function fieldError(field: string, spec: FieldSpec): string | undefined {
  for (const part of field.split(',')) {
    const err = rangeError(part, spec);
    if (err) return `${spec.name}: ${err}`;
  }
  return undefined;
}

function rangeError(part: string, spec: FieldSpec): string | undefined {
  const [range = '', step, extra] = part.split('/');
  if (extra !== undefined) return `too many slashes: ${part}`;
  if (step !== undefined && !/^\d+$/.test(step)) return `bad step: ${part}`;
  if (step !== undefined && Number(step) === 0) return `step of zero: ${part}`;
  if (range === '*' || range === '?') return undefined;
  const [lo = '', hi, more] = range.split('-');
  if (more !== undefined) return `too many hyphens: ${part}`;
  const low = value(lo, spec);
  const high = hi === undefined ? low : value(hi, spec);
  if (low === undefined || high === undefined) return `bad value: ${part}`;
  if (low < spec.min || high > spec.max) return `out of range [${spec.min}, ${spec.max}]: ${part}`;
  if (low > high) return `beginning of range after end: ${part}`;
  return undefined;
}

function value(token: string, spec: FieldSpec): number | undefined {
  if (/^\d+$/.test(token)) return Number(token);
  const i = spec.names?.indexOf(token.toUpperCase()) ?? -1;
  return i < 0 ? undefined : i + (spec.names === MONTHS ? 1 : 0);
}

/** Whether `tz` is an IANA time zone the runtime knows. */
export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
