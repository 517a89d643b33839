/**
 * A local process of the sandbox (an app or a test service): `node <main> [args]` in its
 * own process group (so Ctrl-C reaches only the launcher, which stops it in order), its
 * output appended to a log file it writes directly (so it keeps logging even if the
 * launcher dies), and ready once it logged its listening port and, if it has one, its
 * health URL answers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { SandboxError, SandboxErrorCode } from './errors.js';
import { parseLogText } from './log-line.js';

export interface LocalProcessSpec {
  /** Name in messages (app or Service name). */
  name: string;
  /** The script node runs, and its arguments. */
  main: string;
  args?: string[];
  env: Record<string, string>;
  logFile: string;
  /** The port it must report listening on. */
  port: number;
  /** GET must answer 2xx before it counts as ready (e.g. `<admin>/healthz`). */
  healthUrl?: string;
}

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/** The last `lines` lines of a log file (empty when it does not exist). */
export function logTail(file: string, lines = 20): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** A started local process. */
export class LocalProcess {
  private exitCode: number | null | undefined;
  private readonly exited: Promise<number | null>;

  private constructor(
    readonly spec: LocalProcessSpec,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal ? null : 0);
        resolve(this.exitCode);
      }),
    );
  }

  /** Spawns `spec` (its log file is truncated first). */
  static start(spec: LocalProcessSpec): LocalProcess {
    if (!existsSync(spec.main)) {
      throw new SandboxError(
        SandboxErrorCode.Config,
        `${spec.main} does not exist`,
        'build first: npx turbo run build',
        { name: spec.name },
      );
    }
    const fd = openSync(spec.logFile, 'w');
    try {
      const child = spawn(process.execPath, [spec.main, ...(spec.args ?? [])], {
        env: { ...process.env, ...spec.env },
        stdio: ['ignore', fd, fd],
        detached: true,
      });
      return new LocalProcess(spec, child);
    } finally {
      closeSync(fd);
    }
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** Whether it is still running. */
  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** Resolves with the exit code once it exits (for any reason). */
  whenExited(): Promise<number | null> {
    return this.exited;
  }

  /** Waits until it listens on its port and its health URL answers; throws with its log tail. */
  async waitReady({ timeoutMs = 30_000, intervalMs = 200 }: WaitOptions = {}): Promise<void> {
    const { name, logFile, port, healthUrl } = this.spec;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw this.failure(`${name} exited with code ${this.exitCode}`);
      const signals = parseLogText(existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
      const listening = signals.some((s) => s.kind === 'listening' && s.port === port);
      if (listening && (healthUrl === undefined || (await answers(healthUrl)))) return;
      await sleep(intervalMs);
    }
    throw this.failure(
      `${name} did not ${healthUrl ? `answer ${healthUrl}` : `listen on port ${port}`} within ${timeoutMs / 1000} s`,
    );
  }

  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves with the exit code. */
  async stop(timeoutMs = 10_000): Promise<number | null> {
    if (!this.running) return this.exitCode ?? null;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  private failure(message: string): SandboxError {
    const { name, logFile } = this.spec;
    const tail = logTail(logFile);
    return new SandboxError(
      SandboxErrorCode.Process,
      `${message}${tail ? `; the end of its log:\n${tail}` : ''}`,
      `read ${logFile}, fix the cause, then run npm start again`,
      { name, logFile },
    );
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    // Not listening yet, or busy: the caller polls again.
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
