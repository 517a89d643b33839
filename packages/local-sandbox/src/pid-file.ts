/**
 * The processes of the running sandbox, kept in `.local/sandbox/pids.json`, so that a rerun
 * refuses to start beside a live sandbox and stops what a killed one left behind.
 */
import { existsSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { SandboxError, SandboxErrorCode } from './errors.js';

export interface PidRecord {
  launcher: number;
  processes: Array<{ name: string; pid: number }>;
}

/**
 * Whether `pid` is a live process of this checkout (pid reuse guard): its command line
 * mentions `repo`, or it runs in `repo` (the launcher is started as a relative path).
 */
export function isOurs(pid: number, repo: string): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(repo) || readlinkSync(`/proc/${pid}/cwd`) === repo;
  } catch {
    // No /proc (not Linux): trust the live pid.
    return true;
  }
}

export function readPidFile(path: string): PidRecord | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as PidRecord;
  } catch {
    // A torn or hand-edited file says nothing reliable; treat it as absent.
    return undefined;
  }
}

export function writePidFile(path: string, record: PidRecord): void {
  writeFileSync(path, `${JSON.stringify(record)}\n`);
}

export function removePidFile(path: string): void {
  rmSync(path, { force: true });
}

/**
 * Refuses to start while the sandbox of `path` runs; stops the processes a dead launcher
 * left behind and returns their names.
 */
export async function clearPrevious(path: string, repo: string): Promise<string[]> {
  const previous = readPidFile(path);
  if (previous === undefined) return [];
  if (previous.launcher !== process.pid && isOurs(previous.launcher, repo)) {
    throw new SandboxError(
      SandboxErrorCode.AlreadyRunning,
      `a sandbox of this checkout is already running (pid ${previous.launcher})`,
      `use it (.local/sandbox.json), or stop it first: Ctrl-C in its terminal, or kill -INT ${previous.launcher}`,
      { pid: previous.launcher },
    );
  }
  const left = previous.processes.filter((p) => isOurs(p.pid, repo));
  for (const p of left) process.kill(p.pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (left.some((p) => isOurs(p.pid, repo)) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (const p of left.filter((q) => isOurs(q.pid, repo))) process.kill(p.pid, 'SIGKILL');
  removePidFile(path);
  return left.map((p) => p.name);
}
