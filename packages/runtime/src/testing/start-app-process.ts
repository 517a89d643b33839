import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { RuntimeError, RuntimeErrorCode } from '../errors.js';

/** A running app process, found through its admin port. */
export interface AppProcess {
  /** The admin port the app bound and logged. */
  port: number;
  /** Send `signal` and resolve with the exit code; rejects if the app outlives `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

export interface StartAppProcessOptions {
  /** How long to wait for the "admin server listening" line. */
  startTimeoutMs?: number;
}

function fail(message: string, context: Record<string, unknown>): RuntimeError {
  return new RuntimeError(RuntimeErrorCode.AppProcess, message, context);
}

/**
 * Spawn a built app (`node dist/main.js`) with ADMIN_PORT=0 and wait until it logs the admin
 * port it bound. Rejects if the file is missing, or the app exits or stays silent.
 */
export async function startAppProcess(
  mainPath: string,
  env: Record<string, string> = {},
  { startTimeoutMs = 10_000 }: StartAppProcessOptions = {},
): Promise<AppProcess> {
  if (!existsSync(mainPath)) throw fail(`${mainPath} does not exist; build the app`, { mainPath });
  const child = spawn(process.execPath, [mainPath], {
    env: { ...process.env, ...env, ADMIN_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(fail('app did not report its admin port in time', { mainPath, stderr }));
    }, startTimeoutMs);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(fail(`app exited with code ${code} before listening`, { mainPath, stderr }));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = parseJson(line);
      if (entry?.msg === 'admin server listening' && typeof entry.port === 'number') {
        clearTimeout(timer);
        resolve(entry.port);
      }
    });
  });

  return {
    port,
    async stop(signal = 'SIGTERM', timeoutMs = 5_000) {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      const outcome = await Promise.race([exited, timeout]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        child.kill('SIGKILL');
        throw fail(`app did not exit within ${timeoutMs} ms of ${signal}`, { mainPath, stderr });
      }
      return outcome;
    },
  };
}

function parseJson(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    // Not every line is ours (e.g. Node warnings); only JSON log lines matter here.
    return undefined;
  }
}
