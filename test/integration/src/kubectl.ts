import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { localCluster } from './local-cluster.js';

/** What one kubectl run printed and how it ended. */
export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlOptions {
  /** Written to kubectl's standard input (for `-f -`). */
  input?: string;
  /** Defaults to the local cluster's admin kubeconfig. */
  kubeconfig?: string;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Finds kubectl on PATH, then in `.local/bin` where `npm run cluster:up` puts it;
 * throws naming both places when it is in neither.
 */
export function kubectlPath(): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), join(repoRoot, '.local/bin')];
  for (const dir of dirs.filter(Boolean)) {
    const candidate = join(dir, 'kubectl');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  throw new Error(
    `kubectl not found on PATH nor in ${join(repoRoot, '.local/bin')}: run 'npm run cluster:up' and 'source .local/env'`,
  );
}

/** Runs kubectl against the local cluster; resolves with its exit code and output, never rejects on a non-zero exit. */
export function kubectl(args: string[], options: KubectlOptions = {}): Promise<KubectlResult> {
  const env = { ...process.env, KUBECONFIG: options.kubeconfig ?? localCluster().kubeconfig };
  return new Promise((resolvePromise, reject) => {
    const child = spawn(kubectlPath(), args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
