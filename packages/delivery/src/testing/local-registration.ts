/**
 * Kubernetes objects for local-mode tests: Services and the EndpointSlices by which a
 * local process registers its port (address 127.0.0.1).
 */
import type { KubeObject } from '@knative-ts/kube';

/** A ClusterIP Service with one port named http on 80. */
export function service(name: string, namespace: string, extra: object = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { ports: [{ name: 'http', port: 80 }], ...extra },
  };
}

/** An ExternalName Service pointing at `target`. */
export function externalName(name: string, namespace: string, target: string): KubeObject {
  return service(name, namespace, { type: 'ExternalName', externalName: target, ports: undefined });
}

/**
 * The registration of a local process: an FQDN EndpointSlice with address 127.0.0.1 (the
 * API server refuses loopback IPs in IPv4/IPv6 slices; FQDN slices accept the name).
 */
export function localSlice(
  svc: string,
  namespace: string,
  port: number,
  address = '127.0.0.1',
): KubeObject {
  const slice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${svc}-local`, namespace, labels: { 'kubernetes.io/service-name': svc } },
    addressType: 'FQDN',
    endpoints: [{ addresses: [address], conditions: { ready: true } }],
    ports: [{ name: 'http', port }],
  };
  return slice;
}
