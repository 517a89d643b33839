import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { RuntimeError, RuntimeErrorCode } from '../errors.js';

/** A running app process, found through its admin port. */
export interface AppProcess {
  /** The admin port the app bound and logged. */
  port: number;
  /** The process id (e.g. to read what it runs with from /proc). */
  pid: number;
  /** Send `signal` and resolve with the exit code; rejects if the app outlives `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

export interface StartAppProcessOptions {
  /** How long to wait for the "admin server listening" line. */
  startTimeoutMs?: number;
  /**
   * Pass this process's environment on (default true). False: the app gets only `env`
   * (and ADMIN_PORT), so nothing set in the test's shell can configure it unnoticed.
   */
  inheritEnv?: boolean;
  /** Node flags before the main file (e.g. the chart's `nodeFlags`). */
  nodeFlags?: string[];
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
  { startTimeoutMs = 10_000, inheritEnv = true, nodeFlags = [] }: StartAppProcessOptions = {},
): Promise<AppProcess> {
  if (!existsSync(mainPath)) throw fail(`${mainPath} does not exist; build the app`, { mainPath });
  const child = spawn(process.execPath, [...nodeFlags, mainPath], {
    env: { ...(inheritEnv ? process.env : {}), ...env, ADMIN_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveChildren().add(child);
  child.once('exit', () => liveChildren().delete(child));
  let stderr = '';
  keepLogWhenAsked(child, mainPath);
  // The last log lines go into a stop failure: they say what the app was still waiting on.
  const recentLines: string[] = [];
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
      recentLines.push(line);
      if (recentLines.length > RECENT_LINES_KEPT) recentLines.shift();
      const entry = parseJson(line);
      if (entry?.msg === 'admin server listening' && typeof entry.port === 'number') {
        clearTimeout(timer);
        resolve(entry.port);
      }
    });
  });

  return {
    port,
    pid: child.pid ?? 0,
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
        throw fail(
          `app did not exit within ${timeoutMs} ms of ${signal}; its last log lines:\n` +
            recentLines.join('\n'),
          { mainPath, stderr },
        );
      }
      return outcome;
    },
  };
}

const RECENT_LINES_KEPT = 40;

/**
 * With APP_LOG_DIR set, every app's whole output goes to `<dir>/<app>-<pid>.log`: a CI
 * failure in a long serial run can then be read after the fact, not only its last lines.
 */
function keepLogWhenAsked(child: ChildProcess, mainPath: string): void {
  const dir = process.env.APP_LOG_DIR;
  if (!dir || child.pid === undefined) return;
  mkdirSync(dir, { recursive: true });
  // apps/<app>/dist/main.js: the app's folder names it.
  const app = basename(dirname(dirname(mainPath)));
  const file = createWriteStream(join(dir, `${app}-${child.pid}.log`));
  file.on('error', (err) => process.stderr.write(`APP_LOG_DIR: ${err.message}\n`));
  child.stdout?.pipe(file, { end: false });
  child.stderr?.pipe(file, { end: false });
  child.once('exit', () => file.end());
}

const CHILDREN_KEY = Symbol.for('knative-ts.testing.app-processes');

/**
 * Every app process still running, kept on `process` so that one set (and one exit hook)
 * serves all test files: Jest gives each file its own module registry, and a suite whose
 * setup failed must not leave a controller running into the next suite or past the run.
 */
function liveChildren(): Set<ChildProcess> {
  const holder = process as unknown as Record<symbol, Set<ChildProcess> | undefined>;
  let children = holder[CHILDREN_KEY];
  if (!children) {
    const created = new Set<ChildProcess>();
    holder[CHILDREN_KEY] = created;
    process.once('exit', () => {
      for (const child of created) child.kill('SIGKILL');
    });
    children = created;
  }
  return children;
}

function parseJson(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    // Not every line is ours (e.g. Node warnings); only JSON log lines matter here.
    return undefined;
  }
}
