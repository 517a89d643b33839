import { pino, type DestinationStream, type Logger } from 'pino';

export type { DestinationStream, Logger } from 'pino';

/** Levels accepted by LOG_LEVEL. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  /** Name of the app or part that logs; every line carries it as `component`. */
  component: string;
  level: LogLevel;
  /** Where lines go; defaults to an asynchronous stdout so logging never blocks the hot path. */
  destination?: DestinationStream;
}

/** A structured JSON logger. */
export function createLogger({ component, level, destination }: LoggerOptions): Logger {
  // pino flushes its async stdout destination on process exit, so lines are not lost.
  const dest = destination ?? pino.destination({ dest: 1, sync: false });
  return pino({ level, base: { component }, timestamp: pino.stdTimeFunctions.isoTime }, dest);
}
