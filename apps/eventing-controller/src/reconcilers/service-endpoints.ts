import type { KubeObject } from '@knative-ts/kube';
import type { References } from '../references/references.js';

/** An EndpointSlice (discovery.k8s.io/v1), reduced to what readiness needs. */
interface EndpointSlice extends KubeObject {
  endpoints?: Array<{ conditions?: { ready?: boolean | null } }>;
}

/** Label the EndpointSlice controller (or the local sandbox) puts on a Service's slices. */
export const ServiceNameLabel = 'kubernetes.io/service-name';

/** Whether a Service exists and has a ready endpoint. */
export type ServiceEndpoints = 'ready' | 'no-service' | 'unavailable';

/**
 * The state of a shared data-plane Service (`namespace/name`) and its EndpointSlices, as
 * Knative's EndpointSlicesAreAvailable judges it: some endpoint not explicitly unready.
 */
export async function serviceEndpoints(
  references: References,
  namespace: string,
  name: string,
): Promise<ServiceEndpoints> {
  const svc = await references.get({ apiVersion: 'v1', kind: 'Service', namespace, name });
  if (!svc) return 'no-service';
  const slices = await references.list<EndpointSlice>(
    { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', namespace },
    `${ServiceNameLabel}=${name}`,
  );
  // Kubernetes: a nil `ready` means ready; only an explicit false means not.
  const ready = slices.some((s) => (s.endpoints ?? []).some((e) => e.conditions?.ready !== false));
  return ready ? 'ready' : 'unavailable';
}
