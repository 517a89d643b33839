import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeObject } from '@knative-ts/kube';
import type { KubectlResult } from './kubectl.js';
import { localCluster } from './local-cluster.js';

// Helpers of the suites that run against the local node (test/cluster/node.sh): helm, the
// images scripts/build-images.sh loaded, and URLs of Services on this machine (which
// routes the service range to the node).

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Runs a program of the repo or of PATH (.local/bin first); never rejects on a non-zero exit. */
export function run(
  command: string,
  args: string[],
  options: { input?: string; cwd?: string } = {},
): Promise<KubectlResult> {
  const env = {
    ...process.env,
    KUBECONFIG: localCluster().kubeconfig,
    PATH: `${join(repoRoot, '.local/bin')}:${process.env.PATH ?? ''}`,
  };
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env, cwd: options.cwd ?? repoRoot, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** Fails with the command's output when it did not exit 0. */
export function ok(result: KubectlResult, what: string): KubectlResult {
  if (result.code !== 0) {
    throw new Error(`${what} exited ${result.code}\n${result.stderr}\n${result.stdout}`);
  }
  return result;
}

export interface BuiltImages {
  registry: string;
  tag: string;
  images: Record<string, string>;
}

/** Builds every image and loads it into the node (a no-op load when unchanged). */
export async function buildImages(): Promise<BuiltImages> {
  ok(await run('bash', ['scripts/build-images.sh']), 'scripts/build-images.sh');
  return JSON.parse(readFileSync(join(repoRoot, '.local/images.json'), 'utf8')) as BuiltImages;
}

export interface ServiceObject extends KubeObject {
  spec?: { clusterIP?: string; ports?: Array<{ name?: string; port: number }> };
}

/** `http://<clusterIP>:<port>` of the Service's port `portName`. */
export function clusterUrl(svc: ServiceObject, portName = 'http'): string {
  const port = svc.spec?.ports?.find((p) => p.name === portName)?.port;
  if (!svc.spec?.clusterIP || port === undefined) {
    throw new Error(
      `Service ${svc.metadata.namespace}/${svc.metadata.name} has no ${portName} port`,
    );
  }
  return `http://${svc.spec.clusterIP}:${port}`;
}

export interface PodObject extends KubeObject {
  spec: {
    securityContext?: Record<string, unknown>;
    containers: Array<{ name: string; image: string; securityContext?: Record<string, unknown> }>;
    serviceAccountName?: string;
  };
  status?: { phase?: string; conditions?: Array<{ type: string; status: string }> };
}

export const isReady = (pod: PodObject): boolean =>
  pod.metadata.deletionTimestamp === undefined &&
  (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
