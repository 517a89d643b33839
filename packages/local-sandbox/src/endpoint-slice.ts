/**
 * The registration of a local process as the endpoint of a Service (DESIGN.md §3): an
 * EndpointSlice labeled `kubernetes.io/service-name=<svc>` whose one endpoint is 127.0.0.1.
 * The API server refuses loopback IPs in IPv4/IPv6 slices, so it is an FQDN slice. Its
 * `managed-by` label is ours, so the EndpointSlice controller leaves it alone.
 */
import type { KubeObject } from '@knative-ts/kube';

/** The `endpointslice.kubernetes.io/managed-by` (and `app.kubernetes.io/managed-by`) value. */
export const SANDBOX_MANAGER = 'knative-ts-sandbox';
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';

/** A Service's local ports by Service port name (`http`, `http-metrics`). */
export type LocalPorts = Record<string, number>;

/** What to register: Service `namespace/service` is served at 127.0.0.1 on `ports`. */
export interface Registration {
  namespace: string;
  service: string;
  ports: LocalPorts;
}

/** The name of the sandbox's slice for `service` (one per Service). */
export function sliceName(service: string): string {
  return `${service}-local-sandbox`.slice(0, 253);
}

/** The FQDN EndpointSlice that points Service `service` at 127.0.0.1:<ports>. */
export function makeLocalEndpointSlice({ namespace, service, ports }: Registration): KubeObject {
  const entries = Object.entries(ports).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0)
    throw new Error(`no local port to register for ${namespace}/${service}`);
  const slice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: sliceName(service),
      namespace,
      labels: {
        [SERVICE_NAME_LABEL]: service,
        [MANAGED_BY_LABEL]: SANDBOX_MANAGER,
        'app.kubernetes.io/managed-by': SANDBOX_MANAGER,
      },
    },
    addressType: 'FQDN',
    endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
    ports: entries.map(([name, port]) => ({ name, port, protocol: 'TCP' })),
  };
  return slice;
}
