/**
 * Which channel a request is for (the same routing as imc-dispatcher's table). Knative's dispatcher keys channels by host
 * (`<name>-kn-channel.<ns>.svc.<domain>`, the ExternalName address) and by path
 * `/<ns>/<name>`; a request to `/` is routed by its Host header (port ignored), any other
 * path by the path.
 */

/** What the table needs to know about an entry to route to it. */
export interface Routable {
  namespace: string;
  name: string;
  /** Lower-case host name without port. */
  host: string;
}

export type Route<T> =
  | { kind: 'found'; channel: T }
  | { kind: 'unknown'; key: string }
  | { kind: 'bad-path'; path: string };

/** Channels by host and by `<ns>/<name>`; replaced one entry at a time by the watcher. */
export class ChannelTable<T extends Routable> {
  private readonly byKey = new Map<string, T>();
  private readonly byHost = new Map<string, T>();

  /** Adds or replaces the channel `<namespace>/<name>`. */
  set(channel: T): void {
    this.delete(channel.namespace, channel.name);
    this.byKey.set(`${channel.namespace}/${channel.name}`, channel);
    this.byHost.set(channel.host, channel);
  }

  delete(namespace: string, name: string): T | undefined {
    const key = `${namespace}/${name}`;
    const old = this.byKey.get(key);
    if (old === undefined) return undefined;
    this.byKey.delete(key);
    if (this.byHost.get(old.host) === old) this.byHost.delete(old.host);
    return old;
  }

  get(namespace: string, name: string): T | undefined {
    return this.byKey.get(`${namespace}/${name}`);
  }

  get size(): number {
    return this.byKey.size;
  }

  /** The channel for a request's Host header and URL (path + optional query). */
  route(hostHeader: string | undefined, url: string): Route<T> {
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    if (path === '/' || path === '') {
      const host = hostOf(hostHeader);
      const channel = this.byHost.get(host);
      return channel ? { kind: 'found', channel } : { kind: 'unknown', key: host };
    }
    const parts = path.split('/');
    // "/<ns>/<name>" splits into ["", ns, name]; a trailing slash is tolerated.
    if (parts[parts.length - 1] === '' && parts.length === 4) parts.pop();
    const [lead, namespace, name] = parts;
    if (parts.length !== 3 || lead !== '' || !namespace || !name) return { kind: 'bad-path', path };
    const key = `${decodeURIComponentSafe(namespace)}/${decodeURIComponentSafe(name)}`;
    const channel = this.byKey.get(key);
    return channel ? { kind: 'found', channel } : { kind: 'unknown', key };
  }
}

/** Host header without port or trailing dot, lower case (host names are case-insensitive). */
export function hostOf(hostHeader: string | undefined): string {
  if (!hostHeader) return '';
  let host = hostHeader.trim().toLowerCase();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  if (colon >= 0) host = host.slice(0, colon);
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    // Not valid percent-encoding: use it as written; it then matches no channel name.
    return s;
  }
}
