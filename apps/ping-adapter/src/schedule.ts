/**
 * PingSource schedules: robfig/cron syntax with an optional leading seconds field (Knative
 * parses with `SecondOptional`), read in the source's `timezone` (Knative prefixes the
 * schedule with `CRON_TZ=<tz>`), computed with croner.
 */
import { Cron } from 'croner';
import { PingError, PingErrorCode } from './errors.js';

/** A compiled schedule: the first tick strictly after a given instant. */
export interface Schedule {
  readonly pattern: string;
  readonly timezone: string | undefined;
  /** Epoch ms of the next tick after `afterMs`, or undefined when there is none. */
  next(afterMs: number): number | undefined;
}

/** Knative's default schedule (ping_defaults.go): every minute. */
export const DEFAULT_SCHEDULE = '* * * * *';

/** Compile `pattern` in `timezone` (UTC when empty); throws PingError on either being invalid. */
export function compileSchedule(pattern: string, timezone?: string): Schedule {
  const tz = timezone === undefined || timezone === '' ? undefined : timezone;
  let cron: Cron;
  try {
    cron = new Cron(pattern.trim(), {
      paused: true,
      mode: '5-or-6-parts',
      // Time zone as Knative: the source's, else the adapter's (UTC in a container).
      timezone: tz ?? 'UTC',
    });
    // croner only checks the time zone when it first computes a date.
    cron.nextRun(new Date(0));
  } catch (err) {
    throw new PingError(
      PingErrorCode.InvalidSchedule,
      `cannot schedule "${pattern}" in time zone ${tz ?? 'UTC'}`,
      { pattern, timezone: tz },
      { cause: err },
    );
  }
  return {
    pattern,
    timezone: tz,
    next: (afterMs) => cron.nextRun(new Date(afterMs))?.getTime(),
  };
}
