/**
 * Runs a built test service as its own process, as a container would, and finds the port it
 * bound (PORT=0) from its log. For integration tests and local runs of the examples.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface TestServiceProcess {
  port: number;
  /** The events an event display kept (CloudEvents JSON, oldest first). */
  events(): Promise<Array<Record<string, unknown>>>;
  /** SIGTERM, then resolves with the exit code (SIGKILL after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<number | null>;
}

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));

/** Starts service `name` with `env` on a free port; rejects if it does not listen in time. */
export async function startTestService(
  name: string,
  env: Record<string, string> = {},
  startTimeoutMs = 10_000,
): Promise<TestServiceProcess> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} does not exist; build @knative-ts/test-services`);
  const child = spawn(process.execPath, [MAIN, name], {
    env: { ...process.env, ...env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`test service ${name} did not report its port in time: ${stderr}`));
    }, startTimeoutMs);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`test service ${name} exited with code ${code}: ${stderr}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const port = listeningPort(line);
      if (port === undefined) return;
      clearTimeout(timer);
      resolve(port);
    });
  });
  return {
    port,
    events: async () => {
      const res = await fetch(`http://127.0.0.1:${port}/events`);
      if (!res.ok) throw new Error(`GET /events of ${name} answered ${res.status}`);
      return (await res.json()) as Array<Record<string, unknown>>;
    },
    stop: async (timeoutMs = 5_000) => {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** The port of a "test service listening" log line; undefined for any other line. */
function listeningPort(line: string): number | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const entry = JSON.parse(line) as { msg?: unknown; port?: unknown };
    return entry.msg === 'test service listening' && typeof entry.port === 'number'
      ? entry.port
      : undefined;
  } catch (err) {
    // The event display prints events as text between log lines; those are not ours.
    if (err instanceof Error && err.name === 'SyntaxError') return undefined;
    throw err;
  }
}
