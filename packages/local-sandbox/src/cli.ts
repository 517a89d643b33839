#!/usr/bin/env node
/**
 * npm start's launcher (scripts/start.sh brings up the control plane and node, builds and
 * loads the images, then runs this with `.local/env` sourced). Runs until SIGINT/SIGTERM,
 * then deletes what it installed.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKubeClient, loadKubeConfig } from '@knative-ts/kube';
import { SandboxError, SandboxErrorCode } from './errors.js';
import { Sandbox } from './sandbox.js';

const env = process.env;
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const log = (line: string) => console.log(line);

function fail(err: unknown): never {
  const hint = err instanceof SandboxError ? `\n[start] next: ${err.hint}` : '';
  console.error(`[start] failed: ${err instanceof Error ? err.message : String(err)}${hint}`);
  process.exit(1);
}

const kubeconfig = env['KUBECONFIG'];
if (!kubeconfig)
  fail(new Error("KUBECONFIG is not set: run 'source .local/env' (written by npm run cluster:up)"));

const sandbox = new Sandbox({
  repo,
  kubeconfig,
  kube: createKubeClient(loadKubeConfig({ env: { KUBECONFIG: kubeconfig } })),
  backends: { kafka: env['KAFKA_BROKERS'], nats: env['NATS_URL'], redis: env['REDIS_URL'] },
  systemNamespace: env['SYSTEM_NAMESPACE'] || 'knative-eventing',
  clusterDomain: env['CLUSTER_DOMAIN'] || 'cluster.local',
  examples: (env['SANDBOX_EXAMPLES'] || 'sequence').split(',').filter(Boolean),
  // FEATURE_EVENTTYPE_AUTO_CREATE=enabled npm start: EventTypes discovered from traffic.
  ...(env['FEATURE_EVENTTYPE_AUTO_CREATE']
    ? { eventTypeAutoCreate: env['FEATURE_EVENTTYPE_AUTO_CREATE'] }
    : {}),
  log,
});

const done = new AbortController();
let stopped: Promise<void> | undefined;
const stop = (code: number) => {
  done.abort();
  stopped ??= sandbox
    .stop()
    .catch((err: unknown) => console.error(`[start] stopping failed: ${(err as Error).message}`))
    .finally(() => process.exit(code));
  return stopped;
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    log(`\n[start] ${signal}: stopping`);
    void stop(0);
  });
}

try {
  await sandbox.start();
  await sandbox.awaitSequence(done.signal);
} catch (err) {
  if (!done.signal.aborted) {
    // Beside a live sandbox nothing was started, and its files are not ours to remove.
    const beside = err instanceof SandboxError && err.code === SandboxErrorCode.AlreadyRunning;
    if (!beside) await sandbox.stop().catch(() => undefined);
    fail(err);
  }
}
// Keep running until a signal.
setInterval(() => undefined, 1 << 30);
