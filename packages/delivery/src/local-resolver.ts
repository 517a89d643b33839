/**
 * Local mode (DESIGN.md §3): resolve `*.svc.<cluster domain>` the way cluster DNS would,
 * from the API server. The Service named by the host is read; ExternalName Services are
 * followed (several hops allowed, loops refused); the final Service's local port comes
 * from an EndpointSlice labeled `kubernetes.io/service-name=<svc>` whose endpoint address
 * is 127.0.0.1 or localhost — how local processes register themselves (in a cluster the
 * EndpointSlice controller writes them). The API server refuses loopback IPs in IP slices,
 * so a registration is an FQDN slice, which accepts either name. The request then goes to 127.0.0.1:<port> with the original
 * Host header, so host-routing receivers (imc-dispatcher) still see the cluster address.
 */
import type { KubeClient, KubeObject } from '@knative-ts/kube';
import { DeliveryError, DeliveryErrorCode } from './errors.js';

/** Where to connect, and the Host header to send. */
export interface ResolvedTarget {
  connectUrl: string;
  hostHeader: string;
}

/** Maps a destination URL to a connection target. */
export type ResolveTarget = (url: string) => Promise<ResolvedTarget>;

export interface LocalResolverOptions {
  kube: KubeClient;
  /** Default `cluster.local`. */
  clusterDomain?: string;
  /** How long a resolution is reused (default 2 s), so registrations show up quickly. */
  cacheTtlMs?: number;
  /** Most ExternalName hops followed (default 8). */
  maxHops?: number;
  now?: () => number;
}

interface ServiceObject extends KubeObject {
  spec?: {
    type?: string;
    externalName?: string;
    ports?: { name?: string; port: number }[];
  };
}

interface EndpointSliceObject extends KubeObject {
  endpoints?: { addresses?: string[] }[];
  ports?: { name?: string; port?: number }[];
}

const LOOPBACK = '127.0.0.1';
const LOCAL_ADDRESSES = new Set([LOOPBACK, 'localhost']);
const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
// Destination URLs come from user objects: the per-URL answers are bounded.
const MAX_CACHED_TARGETS = 4096;

interface CachedPort {
  expires: number;
  port: Promise<number>;
}

interface CachedTarget {
  expires: number;
  target: Promise<ResolvedTarget>;
}

/** Resolves cluster Service addresses to local ports; `resolve` is a ResolveTarget. */
export class LocalResolver {
  private readonly kube: KubeClient;
  private readonly domain: string;
  private readonly ttl: number;
  private readonly maxHops: number;
  private readonly now: () => number;
  /** Service lookups by host and port, shared by every URL on that Service. */
  private readonly ports = new Map<string, CachedPort>();
  private readonly targets = new Map<string, CachedTarget>();

  constructor(options: LocalResolverOptions) {
    this.kube = options.kube;
    this.domain = options.clusterDomain ?? 'cluster.local';
    this.ttl = options.cacheTtlMs ?? 2000;
    this.maxHops = options.maxHops ?? 8;
    this.now = options.now ?? Date.now;
  }

  /**
   * The target for `url`: non-cluster hosts are returned unchanged. Each URL's answer is
   * kept as long as the Service lookup behind it, so the hot path parses and rebuilds no
   * URL per request.
   */
  readonly resolve: ResolveTarget = (url) => {
    const now = this.now();
    const hit = this.targets.get(url);
    if (hit !== undefined && hit.expires > now) return hit.target;
    const resolved = this.resolveUncached(url, now);
    if (this.targets.size >= MAX_CACHED_TARGETS) this.targets.clear();
    this.targets.set(url, resolved);
    // Failures are not cached: the next request asks the API server again.
    resolved.target.catch(() => this.targets.delete(url));
    return resolved.target;
  };

  private resolveUncached(url: string, now: number): CachedTarget {
    const parsed = new URL(url);
    if (this.serviceOf(parsed.hostname) === undefined) {
      const target = { connectUrl: url, hostHeader: parsed.host };
      return { expires: Infinity, target: Promise.resolve(target) };
    }
    const servicePort = Number(parsed.port || (parsed.protocol === 'https:' ? 443 : 80));
    const lookup = this.cachedPort(parsed.hostname, servicePort, now);
    const target = lookup.port.then((port) => {
      const connect = new URL(url);
      connect.hostname = LOOPBACK;
      connect.port = String(port);
      return { connectUrl: connect.toString(), hostHeader: parsed.host };
    });
    return { expires: lookup.expires, target };
  }

  private cachedPort(hostname: string, servicePort: number, now: number): CachedPort {
    const key = `${hostname}:${servicePort}`;
    const hit = this.ports.get(key);
    if (hit !== undefined && hit.expires > now) return hit;
    const entry = { expires: now + this.ttl, port: this.lookup(hostname, servicePort) };
    this.ports.set(key, entry);
    entry.port.catch(() => this.ports.delete(key));
    return entry;
  }

  /** `<name>.<namespace>` of a cluster Service host, or undefined for other hosts. */
  private serviceOf(hostname: string): { name: string; namespace: string } | undefined {
    const host = hostname.toLowerCase().replace(/\.$/, '');
    const suffixes = [`.svc.${this.domain}`, '.svc'];
    const suffix = suffixes.find((s) => host.endsWith(s));
    if (suffix === undefined) return undefined;
    const labels = host.slice(0, -suffix.length).split('.');
    if (labels.length !== 2 || !labels[0] || !labels[1]) return undefined;
    return { name: labels[0], namespace: labels[1] };
  }

  private async lookup(hostname: string, servicePort: number): Promise<number> {
    const seen: string[] = [];
    let host = hostname;
    for (let hop = 0; hop <= this.maxHops; hop++) {
      const svc = this.serviceOf(host);
      if (svc === undefined) {
        throw fail(`${hostname} leads to ${host}, which is not a cluster Service`, { seen });
      }
      seen.push(`${svc.namespace}/${svc.name}`);
      const service = await this.getService(svc.name, svc.namespace, hostname);
      if (service.spec?.type !== 'ExternalName') {
        return this.localPort(service, svc.namespace, servicePort, hostname);
      }
      host = service.spec.externalName ?? '';
    }
    throw fail(`${hostname}: more than ${this.maxHops} ExternalName hops`, { seen });
  }

  private async getService(name: string, namespace: string, host: string): Promise<ServiceObject> {
    try {
      return await this.kube.get<ServiceObject>({
        apiVersion: 'v1',
        kind: 'Service',
        namespace,
        name,
      });
    } catch (err) {
      throw fail(`${host}: cannot read Service ${namespace}/${name}`, { namespace, name }, err);
    }
  }

  private async localPort(
    service: ServiceObject,
    namespace: string,
    servicePort: number,
    host: string,
  ): Promise<number> {
    const name = service.metadata.name ?? '';
    const slices = await this.kube.list<EndpointSliceObject>(
      { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', namespace },
      { labelSelector: `${SERVICE_NAME_LABEL}=${name}` },
    );
    // Match the slice port by the name of the Service port the URL addressed.
    const portName = service.spec?.ports?.find((p) => p.port === servicePort)?.name;
    for (const slice of slices.items) {
      const local = slice.endpoints?.some((e) => e.addresses?.some((a) => LOCAL_ADDRESSES.has(a)));
      if (!local) continue;
      const ports = slice.ports ?? [];
      const port = ports.find((p) => (p.name ?? '') === (portName ?? '')) ?? ports[0];
      if (port?.port !== undefined) return port.port;
    }
    throw fail(`${host}: no local endpoint registered for Service ${namespace}/${name}`, {
      namespace,
      name,
    });
  }
}

function fail(message: string, context: Record<string, unknown>, cause?: unknown): DeliveryError {
  return new DeliveryError(DeliveryErrorCode.LocalResolve, message, context, { cause });
}
