/**
 * What every data-plane app (channel dispatchers, broker-ingress, broker-filter, adapters)
 * configures the same way: its event port and body limit, the cluster domain, local mode,
 * and Knative's metric labels; and the outgoing transport, which in local mode resolves
 * cluster addresses through the API server (DESIGN.md §3).
 */
import type { KubeClient } from '@knative-ts/kube';
import { bool, int, port, str } from '@knative-ts/runtime';
import { LocalResolver } from './local-resolver.js';
import { UndiciTransport } from './sender/transport.js';

/** The variables every event receiver reads; `labels` are the app's metric-label defaults. */
export function receiverSchema(labels: { podName: string; containerName: string }) {
  return {
    /** Event ingress; 0 asks the OS for a free port (logged as `port`). */
    HTTP_PORT: port(8080),
    /** Largest accepted request body; larger requests are answered 413. */
    MAX_BODY_BYTES: int({ min: 1, default: 4 * 1024 * 1024 }),
    ...senderSchema(labels),
  };
}

/** The variables every event sender reads (adapters send without receiving). */
export function senderSchema(labels: { podName: string; containerName: string }) {
  return {
    /** Suffix of in-cluster hosts: `<name>.<ns>.svc.<domain>`. */
    CLUSTER_DOMAIN: str('cluster.local'),
    /** Resolve `*.svc.<domain>` destinations through the API server to local ports. */
    LOCAL_MODE: bool(false),
    /** Metric labels `unique_name` (pod name + random suffix) and `container_name`, as Knative. */
    POD_NAME: str(labels.podName),
    CONTAINER_NAME: str(labels.containerName),
  };
}

/** The keep-alive transport for outgoing events; in local mode it resolves through `kube`. */
export function createTransport(options: {
  localMode: boolean;
  clusterDomain: string;
  kube: KubeClient;
}): UndiciTransport {
  if (!options.localMode) return new UndiciTransport({});
  const resolver = new LocalResolver({ kube: options.kube, clusterDomain: options.clusterDomain });
  return new UndiciTransport({ resolve: resolver.resolve });
}
