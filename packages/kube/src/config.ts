import { existsSync } from 'node:fs';
import { KubeError, KubeErrorCode } from './errors.js';
import { HttpKubeClient, type HttpKubeClientOptions } from './http-kube-client.js';
import { inClusterConfig, kubeConfigFromFile, type KubeConfig } from './kubeconfig.js';
import { KubeConfigTransport } from './transport.js';
import type { KubeClient } from './types.js';

export type { KubeCluster, KubeConfig } from './kubeconfig.js';

const serviceAccountToken = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export interface LoadKubeConfigOptions {
  env?: Record<string, string | undefined>;
  /** Whether the in-cluster service account exists; injected for tests. */
  inCluster?: () => boolean;
}

/** Loads credentials from `KUBECONFIG` (first file), or the in-cluster service account. */
export function loadKubeConfig(options: LoadKubeConfigOptions = {}): KubeConfig {
  const env = options.env ?? process.env;
  const inCluster =
    options.inCluster ??
    (() => Boolean(env['KUBERNETES_SERVICE_HOST']) && existsSync(serviceAccountToken));
  const file = env['KUBECONFIG']?.split(':').find((f) => f !== '');
  if (file) return kubeConfigFromFile(file);
  if (inCluster()) return inClusterConfig(env);
  throw new KubeError(
    KubeErrorCode.Config,
    0,
    '',
    'KUBECONFIG is not set and no in-cluster service account was found',
    { verb: 'load-kubeconfig' },
  );
}

/** A KubeClient talking to the cluster of `kc` (default: loadKubeConfig()). */
export function createKubeClient(
  kc: KubeConfig = loadKubeConfig(),
  options: HttpKubeClientOptions = {},
): KubeClient {
  return new HttpKubeClient(new KubeConfigTransport(kc), options);
}
