/** Runs a command line tool (helm, kubectl) and fails with its output and a next step. */
import { spawn } from 'node:child_process';
import { SandboxError, SandboxErrorCode } from './errors.js';

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `command args`; resolves with its output whatever the exit code. */
export function run(
  command: string,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; input?: string } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...options.env },
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', (err) =>
      reject(
        new SandboxError(
          SandboxErrorCode.Command,
          `cannot run ${command}: ${err.message}`,
          `is ${command} on PATH? 'source .local/env' puts kubectl and helm there (npm run cluster:up writes it)`,
          { command },
          { cause: err },
        ),
      ),
    );
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** Runs `command args` and throws a SandboxError (with `hint`) unless it exits 0. */
export async function runOrFail(
  command: string,
  args: string[],
  hint: string,
  options: { env?: Record<string, string>; cwd?: string; input?: string } = {},
): Promise<string> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new SandboxError(
      SandboxErrorCode.Command,
      `${command} ${args.join(' ')} failed (exit ${result.code}):\n${(result.stderr || result.stdout).trim()}`,
      hint,
      { command, code: result.code },
    );
  }
  return result.stdout;
}
