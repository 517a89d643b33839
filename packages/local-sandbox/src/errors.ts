/** Stable codes of every error the sandbox throws; match on `code`, never on message. */
export const SandboxErrorCode = {
  /** A required environment variable or file is missing. */
  Config: 'SANDBOX_ERR_CONFIG',
  /** A local port the sandbox wants is taken. */
  PortTaken: 'SANDBOX_ERR_PORT_TAKEN',
  /** A command (helm, kubectl) failed. */
  Command: 'SANDBOX_ERR_COMMAND',
  /** A local process exited or did not become healthy in time. */
  Process: 'SANDBOX_ERR_PROCESS',
  /** Another sandbox of this checkout is still running. */
  AlreadyRunning: 'SANDBOX_ERR_ALREADY_RUNNING',
  /** The rendered chart holds something its local reading cannot resolve. */
  Chart: 'SANDBOX_ERR_CHART',
  /** An example did not deliver its result in time. */
  Example: 'SANDBOX_ERR_EXAMPLE',
} as const;

export type SandboxErrorCode = (typeof SandboxErrorCode)[keyof typeof SandboxErrorCode];

/** An error with a stable code, context, and what the user should do next. */
export class SandboxError extends Error {
  override readonly name = 'SandboxError';

  constructor(
    readonly code: SandboxErrorCode,
    message: string,
    /** The next step for the user, printed under the message. */
    readonly hint: string,
    readonly context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
