import { KubeError, KubeErrorCode, isNotFound } from './errors.js';
import { parseApiVersion } from './types.js';

/** How a Kind is served: its plural resource name and scope. */
export interface ResourceMapping {
  plural: string;
  namespaced: boolean;
}

/** One entry of an APIResourceList (`GET /apis/<group>/<version>`). */
export interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

/** Fetches the resource list of one group/version; injected so the mapper has no I/O. */
export type FetchResources = (apiVersion: string) => Promise<ApiResource[]>;

/** Discovery path of a group/version: `/api/v1` for core, `/apis/<group>/<version>` otherwise. */
export function discoveryPath(apiVersion: string): string {
  const { group, version } = parseApiVersion(apiVersion);
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

/** Caches kind→plural per group/version and refreshes a group/version on a miss. */
export class RestMapper {
  private readonly cache = new Map<string, Map<string, ResourceMapping>>();
  private readonly inFlight = new Map<string, Promise<Map<string, ResourceMapping>>>();

  constructor(private readonly fetchResources: FetchResources) {}

  /** Resolves `kind` in `apiVersion`; a miss re-reads discovery once (a CRD may be new). */
  async resolve(apiVersion: string, kind: string): Promise<ResourceMapping> {
    const cached = this.cache.get(apiVersion)?.get(kind);
    if (cached) return cached;
    const fresh = await this.refresh(apiVersion);
    const mapping = fresh.get(kind);
    if (!mapping) {
      throw new KubeError(
        KubeErrorCode.UnknownKind,
        404,
        'NotFound',
        `the server does not serve kind ${kind} in ${apiVersion}`,
        { verb: 'discover', apiVersion, kind },
      );
    }
    return mapping;
  }

  private refresh(apiVersion: string): Promise<Map<string, ResourceMapping>> {
    const pending = this.inFlight.get(apiVersion);
    if (pending) return pending;
    const load = this.load(apiVersion).finally(() => this.inFlight.delete(apiVersion));
    this.inFlight.set(apiVersion, load);
    return load;
  }

  private async load(apiVersion: string): Promise<Map<string, ResourceMapping>> {
    let resources: ApiResource[];
    try {
      resources = await this.fetchResources(apiVersion);
    } catch (err) {
      // An unserved group/version answers 404: that is "no such kind", not a failure.
      if (!isNotFound(err)) throw err;
      resources = [];
    }
    const byKind = new Map<string, ResourceMapping>();
    for (const { name, kind, namespaced } of resources) {
      // Subresources (`widgets/status`) share the Kind; keep the main resource.
      if (!name.includes('/')) byKind.set(kind, { plural: name, namespaced });
    }
    this.cache.set(apiVersion, byKind);
    return byKind;
  }
}
