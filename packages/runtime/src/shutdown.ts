import { RuntimeError, RuntimeErrorCode } from './errors.js';
import type { Logger } from './logger.js';

/** Releases one resource; runs once, at shutdown. */
export type Closer = () => void | Promise<void>;

/** The slice of `process` shutdown needs, so tests can drive it without real signals. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

export interface ShutdownOptions {
  log: Logger;
  /** How long all closers together may take before the process exits non-zero. */
  timeoutMs: number;
  signals?: SignalSource;
  exit?: (code: number) => void;
}

export interface Shutdown {
  /** Register a closer; closers run in reverse order of registration. */
  register(name: string, closer: Closer): void;
  /** True once a shutdown has begun. */
  readonly started: boolean;
  /** Run every closer, then exit (0 if all closed in time, 1 otherwise). */
  shutdown(reason: string): Promise<void>;
  /** Stop listening for signals. */
  dispose(): void;
}

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

async function closeAll(closers: [string, Closer][], log: Logger): Promise<boolean> {
  let clean = true;
  for (const [name, close] of [...closers].reverse()) {
    try {
      await close();
      log.debug({ closer: name }, 'closed');
    } catch (err) {
      clean = false;
      log.error({ err, closer: name }, 'closer failed');
    }
  }
  return clean;
}

/** Graceful shutdown on SIGTERM/SIGINT; a second signal or the timeout forces exit 1. */
export function installShutdown(opts: ShutdownOptions): Shutdown {
  const { log, timeoutMs, signals = process, exit = (code) => process.exit(code) } = opts;
  const closers: [string, Closer][] = [];
  let started = false;

  const onSignal = (signal: NodeJS.Signals) => {
    if (started) {
      log.warn({ signal }, 'second signal during shutdown, exiting now');
      exit(1);
      return;
    }
    void shutdown(signal);
  };

  async function shutdown(reason: string): Promise<void> {
    started = true;
    log.info({ reason, timeoutMs }, 'shutting down');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([closeAll(closers, log), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      const err = new RuntimeError(RuntimeErrorCode.ShutdownTimeout, 'shutdown timed out', {
        timeoutMs,
      });
      log.error({ err }, 'shutdown timed out');
      exit(1);
    } else {
      log.info({ clean: outcome }, 'shutdown complete');
      exit(outcome ? 0 : 1);
    }
  }

  for (const signal of SIGNALS) signals.on(signal, onSignal);
  return {
    register: (name, closer) => void closers.push([name, closer]),
    get started() {
      return started;
    },
    shutdown,
    dispose: () => SIGNALS.forEach((signal) => signals.off(signal, onSignal)),
  };
}
