import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, toolPath } from '@knative-ts/local-sandbox';
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
 * Runs `tool args` (found on PATH, then in `.local/bin` where `npm run cluster:up` puts it)
 * against the local cluster; resolves with its exit code and output, never rejects on a
 * non-zero exit.
 */
async function runTool(tool: string, args: string[], options: KubectlOptions) {
  const result = await run(toolPath(repoRoot, tool), args, {
    env: { KUBECONFIG: options.kubeconfig ?? localCluster().kubeconfig },
    ...(options.input !== undefined && { input: options.input }),
  });
  return { ...result, code: result.code ?? -1 };
}

/** Runs kubectl against the local cluster (never rejects on a non-zero exit). */
export const kubectl = (args: string[], options: KubectlOptions = {}): Promise<KubectlResult> =>
  runTool('kubectl', args, options);

/** Runs helm against the local cluster (never rejects on a non-zero exit). */
export const helm = (args: string[], options: KubectlOptions = {}): Promise<KubectlResult> =>
  runTool('helm', args, options);
