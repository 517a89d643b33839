import type { KubeClient, KubeObject } from '@knative-ts/kube';
import { kubectl } from './kubectl.js';
import { eventually } from './local-cluster.js';

/** Installs (or repairs) the Knative Serving Service stand-in CRD of `file`. */
export async function installServingServiceCrd(client: KubeClient, file: string): Promise<void> {
  // kubectl keeps `x-kubernetes-*` schema keys verbatim; client-node's typed YAML loader drops them.
  const out = await kubectl(['apply', '--server-side', '--force-conflicts', '-f', file]);
  if (out.code !== 0) throw new Error(`kubectl apply ${file} failed: ${out.stderr}`);
  await eventually('serving.knative.dev/v1 Service to be served', async () => {
    await client.list({
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      namespace: 'default',
    });
    return true;
  });
}

/** A Knative Service stand-in that advertises `url` as its address. */
export async function createKnativeService(
  client: KubeClient,
  namespace: string,
  name: string,
  url: string,
): Promise<void> {
  const created = await client.create({
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { namespace, name },
    spec: {},
  });
  await client.updateStatus({ ...created, status: { address: { url } } });
}

/**
 * What a cluster gives the controller in its system namespace: the imc-dispatcher Service,
 * an EndpointSlice with a ready endpoint for it (written by the EndpointSlice controller in
 * a cluster, by the sandbox in local mode) and the default-channel ConfigMap.
 */
export async function createSystemNamespace(
  client: KubeClient,
  namespace: string,
  defaultChannelConfig: string,
): Promise<void> {
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  await createImcDispatcherStandIn(client, namespace);
  await client.create({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { namespace, name: 'default-ch-webhook' },
    data: { 'default-ch-config': defaultChannelConfig },
  } as KubeObject);
}

/**
 * The imc-dispatcher Service with a ready endpoint nothing serves, for suites whose test
 * plays the dispatcher (marks subscribers ready) beside a controller running alone.
 */
export async function createImcDispatcherStandIn(
  client: KubeClient,
  namespace: string,
): Promise<void> {
  await client.create({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace, name: 'imc-dispatcher' },
    spec: { ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
  } as KubeObject);
  await client.create({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      namespace,
      name: 'imc-dispatcher-local',
      labels: {
        'kubernetes.io/service-name': 'imc-dispatcher',
        // Not the EndpointSlice controller's: it must leave this slice alone.
        'endpointslice.kubernetes.io/managed-by': 'knative-ts-tests',
      },
    },
    addressType: 'IPv4',
    // TEST-NET-1 address: the API server refuses loopback endpoints.
    endpoints: [{ addresses: ['192.0.2.10'], conditions: { ready: true } }],
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  } as KubeObject);
}
