/** Stable codes of every error the ping-adapter raises; match on `code`, never on message. */
export const PingErrorCode = {
  /** A PingSource's schedule or time zone cannot be scheduled. */
  InvalidSchedule: 'PING_ERR_INVALID_SCHEDULE',
  /** A PingSource's payload cannot be turned into event data. */
  InvalidPayload: 'PING_ERR_INVALID_PAYLOAD',
} as const;

export type PingErrorCode = (typeof PingErrorCode)[keyof typeof PingErrorCode];

/** An error with a stable code and structured context for logs. */
export class PingError extends Error {
  override readonly name = 'PingError';

  constructor(
    readonly code: PingErrorCode,
    message: string,
    readonly context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
