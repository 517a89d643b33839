import { PingErrorCode } from './errors.js';
import { compileSchedule } from './schedule.js';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString();

describe('compileSchedule', () => {
  it.each<[string, string, string | undefined, string, string]>([
    [
      'every minute (5 fields)',
      '* * * * *',
      undefined,
      '2025-01-01T10:00:30.000Z',
      '2025-01-01T10:01:00.000Z',
    ],
    [
      'strictly after a tick',
      '* * * * *',
      undefined,
      '2025-01-01T10:01:00.000Z',
      '2025-01-01T10:02:00.000Z',
    ],
    [
      'seconds field',
      '*/2 * * * * *',
      undefined,
      '2025-01-01T10:00:01.500Z',
      '2025-01-01T10:00:02.000Z',
    ],
    [
      'seconds field, strictly after',
      '*/2 * * * * *',
      undefined,
      '2025-01-01T10:00:02.000Z',
      '2025-01-01T10:00:04.000Z',
    ],
    [
      'fixed second',
      '15 * * * * *',
      undefined,
      '2025-01-01T10:00:20.000Z',
      '2025-01-01T10:01:15.000Z',
    ],
    [
      'UTC without time zone',
      '30 9 * * *',
      undefined,
      '2025-07-01T00:00:00.000Z',
      '2025-07-01T09:30:00.000Z',
    ],
    [
      'summer in New York (UTC-4)',
      '30 9 * * *',
      'America/New_York',
      '2025-07-01T00:00:00.000Z',
      '2025-07-01T13:30:00.000Z',
    ],
    [
      'winter in New York (UTC-5)',
      '30 9 * * *',
      'America/New_York',
      '2025-01-15T00:00:00.000Z',
      '2025-01-15T14:30:00.000Z',
    ],
    [
      'half-hour zone',
      '0 0 * * *',
      'Asia/Kolkata',
      '2025-01-01T00:00:00.000Z',
      '2025-01-01T18:30:00.000Z',
    ],
    [
      'seconds in a zone',
      '5 0 12 * * *',
      'Europe/Paris',
      '2025-01-01T00:00:00.000Z',
      '2025-01-01T11:00:05.000Z',
    ],
    ['descriptor', '@hourly', undefined, '2025-01-01T10:10:00.000Z', '2025-01-01T11:00:00.000Z'],
    [
      'day of week by name',
      '0 8 * * MON',
      undefined,
      '2025-01-01T00:00:00.000Z',
      '2025-01-06T08:00:00.000Z',
    ],
  ])('%s: %s in %s after %s is %s', (_case, pattern, tz, after, want) => {
    expect(iso(compileSchedule(pattern, tz).next(at(after)))).toBe(want);
  });

  it('treats an empty time zone as none', () => {
    expect(compileSchedule('* * * * *', '').timezone).toBeUndefined();
  });

  it.each([
    ['four fields', '* * * *', undefined],
    ['seven fields', '* * * * * * *', undefined],
    ['out of range', '61 * * * *', undefined],
    ['unknown time zone', '* * * * *', 'Nowhere/Atlantis'],
  ])('refuses %s with a coded error', (_case, pattern, tz) => {
    expect(() => compileSchedule(pattern, tz)).toThrow(
      expect.objectContaining({ code: PingErrorCode.InvalidSchedule }),
    );
  });
});
