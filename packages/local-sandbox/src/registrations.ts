/**
 * Registers local processes for Services through the API server, and removes exactly what
 * it registered. The Services themselves come from the chart or the example YAML.
 */
import {
  isAlreadyExists,
  isNotFound,
  type KubeClient,
  type KubeObject,
  type ObjectRef,
} from '@knative-ts/kube';
import { makeLocalEndpointSlice, sliceName, type Registration } from './endpoint-slice.js';

/** The registrations of one sandbox run. */
export class Registrations {
  private readonly owned: ObjectRef[] = [];

  constructor(private readonly kube: KubeClient) {}

  /** Creates or replaces the slice for `registration`. */
  async register(registration: Registration): Promise<void> {
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
