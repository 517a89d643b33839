/** Stable codes of every error this package throws; match on `code`, never on message. */
export const RuntimeErrorCode = {
  /** One or more environment variables are missing or invalid. */
  Config: 'RUNTIME_ERR_CONFIG',
  /** The admin server could not bind its port. */
  AdminListen: 'RUNTIME_ERR_ADMIN_LISTEN',
  /** Closers did not finish within the shutdown timeout. */
  ShutdownTimeout: 'RUNTIME_ERR_SHUTDOWN_TIMEOUT',
  /** A spawned app process did not start or stop as expected (testing helpers). */
  AppProcess: 'RUNTIME_ERR_APP_PROCESS',
} as const;

export type RuntimeErrorCode = (typeof RuntimeErrorCode)[keyof typeof RuntimeErrorCode];

/** An error with a stable code and structured context for logs. */
export class RuntimeError extends Error {
  override readonly name = 'RuntimeError';

  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
    readonly context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
