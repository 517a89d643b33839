/**
 * Reads an app's JSON log lines for what start-up cares about: the port it listens on
 * (the runtime's "admin server listening", the test services' "test service listening")
 * and errors worth showing when it fails to start.
 */

/** What one log line says about start-up; undefined for anything else. */
export type LogSignal = { kind: 'listening'; port: number } | { kind: 'error'; message: string };

const LISTENING = new Set(['admin server listening', 'test service listening']);
/** pino's level numbers: 50 error, 60 fatal. */
const ERROR_LEVEL = 50;

/** The start-up signal of one log line. Non-JSON lines (event dumps, warnings) are ignored. */
export function parseLogLine(line: string): LogSignal | undefined {
  const entry = parseJson(line.trim());
  if (entry === undefined) return undefined;
  if (typeof entry.msg === 'string' && LISTENING.has(entry.msg) && typeof entry.port === 'number') {
    return { kind: 'listening', port: entry.port };
  }
  if (typeof entry.level === 'number' && entry.level >= ERROR_LEVEL) {
    const err = entry.err as { message?: unknown } | undefined;
    const detail = typeof err?.message === 'string' ? `: ${err.message}` : '';
    return { kind: 'error', message: `${String(entry.msg ?? 'error')}${detail}` };
  }
  return undefined;
}

/** The signals of a chunk of log text, in order. */
export function parseLogText(text: string): LogSignal[] {
  return text.split('\n').flatMap((line) => {
    const signal = parseLogLine(line);
    return signal ? [signal] : [];
  });
}

function parseJson(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    // A partial line (still being written) or an event dump that happens to start with '{'.
    return undefined;
  }
}
