import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeClient, KubeObject } from '@knative-ts/kube';
import { startAppProcess, type AppProcess } from '@knative-ts/runtime/testing';
import { eventually } from './local-cluster.js';

// Runs an ApiServerSource's adapter as a local process from the Deployment the controller
// wrote (its env, as the pod would get it), in LOCAL_MODE so its sink's cluster address
// resolves to a local port. Shared by the sources suites.

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const adapterMain = join(repo, 'apps/apiserver-adapter/dist/main.js');

type EnvVar = { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath?: string } } };
export interface Deployment extends KubeObject {
  spec: {
    template: {
      spec: {
        serviceAccountName?: string;
        containers: Array<{ name: string; image: string; env?: EnvVar[] }>;
      };
    };
  };
}

/** The adapter Deployment of a source, once the controller has created it. */
export async function adapterDeployment(
  client: KubeClient,
  namespace: string,
  sourceName: string,
): Promise<Deployment> {
  return eventually(`the adapter Deployment of ${namespace}/${sourceName}`, async () => {
    const list = await client.list<Deployment>(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace },
      { labelSelector: `eventing.knative.dev/sourceName=${sourceName}` },
    );
    return list.items[0];
  });
}

/** A container's env with the downward-API fields a pod would see filled in. */
export function podEnv(d: Deployment): Record<string, string> {
  const fields: Record<string, string> = {
    'metadata.namespace': d.metadata.namespace ?? '',
    'metadata.name': `${d.metadata.name ?? ''}-local`,
  };
  const env = d.spec.template.spec.containers[0]?.env ?? [];
  return Object.fromEntries(
    env.map((e) => [e.name, e.value ?? fields[e.valueFrom?.fieldRef?.fieldPath ?? ''] ?? '']),
  );
}

/** Starts the built adapter with the Deployment's env and waits until its informers synced. */
export async function startAdapterFrom(d: Deployment, kubeconfig: string): Promise<AppProcess> {
  const app = await startAppProcess(
    adapterMain,
    { ...podEnv(d), KUBECONFIG: kubeconfig, LOCAL_MODE: 'true', LOG_LEVEL: 'info' },
    { startTimeoutMs: 30_000 },
  );
  await eventually('the adapter to be ready', async () =>
    (await fetch(`http://127.0.0.1:${app.port}/readyz`)).status === 200 ? true : undefined,
  );
  return app;
}

/** A Knative-style condition of an object's status, or undefined. */
export function conditionOf(
  obj: KubeObject | undefined,
  type: string,
): { status: string; reason?: string; message?: string } | undefined {
  const status = obj?.status as
    | { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> }
    | undefined;
  return status?.conditions?.find((c) => c.type === type);
}
