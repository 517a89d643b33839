/**
 * Registers local processes for Services through the API server, and removes exactly what
 * it registered. Creating a missing Service is allowed only for names the chart does not
 * ship but the controller checks (e.g. `pingsource-mt-adapter`); those are removed too.
 */
import {
  isAlreadyExists,
  isNotFound,
  type KubeClient,
  type KubeObject,
  type ObjectRef,
} from '@knative-ts/kube';
import {
  makeLocalEndpointSlice,
  SANDBOX_MANAGER,
  sliceName,
  type Registration,
} from './endpoint-slice.js';

/** Every Service port is port N → named target; the names match the slice's ports. */
const SERVICE_PORTS: Record<string, number> = { http: 80, 'http-metrics': 9090 };

/** The registrations of one sandbox run. */
export class Registrations {
  private readonly owned: ObjectRef[] = [];

  constructor(private readonly kube: KubeClient) {}

  /** Creates or replaces the slice for `registration`; `createService` adds a missing Service. */
  async register(registration: Registration, { createService = false } = {}): Promise<void> {
    if (createService) await this.ensureService(registration);
    const slice = makeLocalEndpointSlice(registration);
    await this.createOrReplace(slice);
    this.owned.push(refOf(slice));
  }

  /** Deletes every object this run registered (slices, then Services it created). */
  async removeAll(): Promise<string[]> {
    const removed: string[] = [];
    for (const ref of this.owned.splice(0).reverse()) {
      try {
        await this.kube.delete(ref);
        removed.push(`${ref.kind} ${ref.namespace}/${ref.name}`);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    return removed;
  }

  private async ensureService({ namespace, service, ports }: Registration): Promise<void> {
    const svc: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: service,
        namespace,
        labels: { 'app.kubernetes.io/managed-by': SANDBOX_MANAGER },
      },
      spec: {
        ports: Object.keys(ports).map((name) => ({
          name,
          port: SERVICE_PORTS[name] ?? 80,
          protocol: 'TCP',
        })),
      },
    } as KubeObject;
    try {
      await this.kube.create(svc);
      this.owned.push(refOf(svc));
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }

  private async createOrReplace(obj: KubeObject): Promise<void> {
    try {
      await this.kube.create(obj);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const current = await this.kube.get(refOf(obj));
      await this.kube.update({
        ...obj,
        metadata: { ...obj.metadata, resourceVersion: current.metadata.resourceVersion },
      });
    }
  }
}

function refOf(obj: KubeObject): ObjectRef {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name ?? sliceName('unknown'),
  };
}
