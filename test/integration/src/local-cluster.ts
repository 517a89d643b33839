import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the servers of the local control plane listen, as written by test/cluster/up.sh. */
export interface LocalCluster {
  kubeconfig: string;
  kafkaBrokers: string[];
  natsUrl: string;
  redisUrl: string;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const envFile = resolve(repoRoot, '.local/env');

/** Parses the `export NAME="value"` lines of .local/env. */
export function parseEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const [, name, value] = /^export ([A-Z_]+)="([^"]*)"$/.exec(line.trim()) ?? [];
    if (name !== undefined && value !== undefined) vars[name] = value;
  }
  return vars;
}

/** Reads the local cluster's endpoints, preferring the process environment over .local/env. */
export function localCluster(): LocalCluster {
  let fileVars: Record<string, string> = {};
  try {
    fileVars = parseEnvFile(readFileSync(envFile, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const pick = (name: string): string => {
    const value = process.env[name] ?? fileVars[name];
    if (!value) {
      throw new Error(
        `${name} is not set and ${envFile} does not define it: run 'npm run cluster:up' first`,
      );
    }
    return value;
  };
  return {
    kubeconfig: pick('KUBECONFIG'),
    kafkaBrokers: pick('KAFKA_BROKERS').split(','),
    natsUrl: pick('NATS_URL'),
    redisUrl: pick('REDIS_URL'),
  };
}

/** A name unique to this run, so reruns against a long-lived cluster never collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastError });
}
