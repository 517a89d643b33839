import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { eventually, localCluster } from './local-cluster.js';

/** deploy/ of this repository: every `300-*.yaml` in it holds exactly one CRD. */
export const deployDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../deploy');

export interface InstallCrdsOptions {
  /** Defaults to the local cluster's admin kubeconfig. */
  kubeConfig?: k8s.KubeConfig;
  /** Where the `300-*.yaml` files are; defaults to the repository's deploy/. */
  dir?: string;
  /** How long to wait for every CRD to be Established. */
  timeoutMs?: number;
}

/** The CRD files of `dir`, sorted by name. */
export function crdFiles(dir = deployDir): string[] {
  return readdirSync(dir)
    .filter((name) => /^300-.+\.yaml$/.test(name))
    .sort();
}

/** Parses every `300-*.yaml` of `dir`, failing on a file that is not exactly one CRD. */
export function loadCrds(dir = deployDir): k8s.V1CustomResourceDefinition[] {
  return crdFiles(dir).map((file) => {
    const docs = k8s
      .loadAllYaml(readFileSync(join(dir, file), 'utf8'))
      .filter((doc: unknown) => doc !== null && doc !== undefined);
    const [crd] = docs as k8s.V1CustomResourceDefinition[];
    if (docs.length !== 1 || crd?.kind !== 'CustomResourceDefinition') {
      throw new Error(`${join(dir, file)}: expected exactly one CustomResourceDefinition`);
    }
    return crd;
  });
}

function isEstablished(crd: k8s.V1CustomResourceDefinition): boolean {
  return (crd.status?.conditions ?? []).some(
    (c) => c.type === 'Established' && c.status === 'True',
  );
}

/**
 * Applies every deploy/300-*.yaml with server-side apply (field manager `knative-ts-tests`,
 * conflicts forced) and resolves with the CRD names once each one is Established.
 * Idempotent: suites may call it concurrently and repeatedly.
 */
export async function installCrds(options: InstallCrdsOptions = {}): Promise<string[]> {
  const kc = options.kubeConfig ?? new k8s.KubeConfig();
  if (!options.kubeConfig) kc.loadFromFile(localCluster().kubeconfig);
  const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  const extensions = kc.makeApiClient(k8s.ApiextensionsV1Api);

  const crds = loadCrds(options.dir);
  for (const crd of crds) {
    await objects.patch(
      crd,
      undefined,
      undefined,
      'knative-ts-tests',
      true,
      k8s.PatchStrategy.ServerSideApply,
    );
  }
  const names = crds.map((crd) => crd.metadata?.name ?? '');
  for (const name of names) {
    await eventually(
      `CRD ${name} to be Established`,
      async () =>
        isEstablished(await extensions.readCustomResourceDefinition({ name })) || undefined,
      options.timeoutMs ?? 30_000,
    );
  }
  return names;
}
