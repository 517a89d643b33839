/**
 * Which channel a request is for. Knative's dispatcher keys channels by host
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

type Found<T> = Extract<Route<T>, { kind: 'found' }>;

/** Channels by host and by `<ns>/<name>`; replaced one entry at a time by the watcher. */
export class ChannelTable<T extends Routable> {
  // Each channel's route is made once, when it is set: routing runs for every event.
  private readonly byKey = new Map<string, Found<T>>();
  private readonly byHost = new Map<string, Found<T>>();
  /** By the path as senders write it, `/<ns>/<name>`: the common request needs no parse. */
  private readonly byPath = new Map<string, Found<T>>();

  /** Adds or replaces the channel `<namespace>/<name>`. */
  set(channel: T): void {
    this.delete(channel.namespace, channel.name);
    const found: Found<T> = Object.freeze({ kind: 'found', channel });
    this.byKey.set(`${channel.namespace}/${channel.name}`, found);
    this.byHost.set(channel.host, found);
    this.byPath.set(pathOf(channel), found);
  }

  delete(namespace: string, name: string): T | undefined {
    const key = `${namespace}/${name}`;
    const old = this.byKey.get(key);
    if (old === undefined) return undefined;
    this.byKey.delete(key);
    this.byPath.delete(pathOf(old.channel));
    if (this.byHost.get(old.channel.host) === old) this.byHost.delete(old.channel.host);
    return old.channel;
  }

  get(namespace: string, name: string): T | undefined {
    return this.byKey.get(`${namespace}/${name}`)?.channel;
  }

  get size(): number {
    return this.byKey.size;
  }

  /** The channel for a request's Host header and URL (path + optional query). */
  route(hostHeader: string | undefined, url: string): Route<T> {
    const direct = this.byPath.get(url);
    if (direct !== undefined) return direct;
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    if (path === '/' || path === '') {
      // A Host header as Knative's addresses write it is already the table's key.
      const exact = hostHeader === undefined ? undefined : this.byHost.get(hostHeader);
      if (exact !== undefined) return exact;
      const host = hostOf(hostHeader);
      return this.byHost.get(host) ?? { kind: 'unknown', key: host };
    }
    const parts = path.split('/');
    // "/<ns>/<name>" splits into ["", ns, name]; a trailing slash is tolerated.
    if (parts[parts.length - 1] === '' && parts.length === 4) parts.pop();
    const [lead, namespace, name] = parts;
    if (parts.length !== 3 || lead !== '' || !namespace || !name) return { kind: 'bad-path', path };
    const key = `${decodeURIComponentSafe(namespace)}/${decodeURIComponentSafe(name)}`;
    return this.byKey.get(key) ?? { kind: 'unknown', key };
  }
}

function pathOf(channel: Routable): string {
  return `/${channel.namespace}/${channel.name}`;
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
