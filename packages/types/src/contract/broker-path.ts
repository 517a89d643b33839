import { SystemService, systemServiceHost } from './system-services.js';

/**
 * The control-plane / data-plane contract, part 2: a Broker's address. The Broker
 * reconciler publishes `brokerAddressUrl`; broker-ingress parses it back.
 *
 * The broker address path `/<namespace>/<broker>` (eventing `ingress_handler.go`): `/` is
 * 404, anything but exactly two non-empty segments (one trailing slash allowed) is 400.
 * Unlike Knative we ignore a query string instead of making it part of the broker name.
 */
export type BrokerPath =
  { kind: 'root' } | { kind: 'malformed' } | { kind: 'broker'; namespace: string; name: string };

/** Parses a request URL (path + optional query) into the broker it addresses. */
export function parseBrokerPath(url: string): BrokerPath {
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  if (path === '/' || path === '') return { kind: 'root' };
  const parts = (path.endsWith('/') ? path.slice(0, -1) : path).split('/');
  const [lead, namespace, name] = parts;
  if (parts.length !== 3 || lead !== '' || !namespace || !name) return { kind: 'malformed' };
  return { kind: 'broker', namespace, name };
}

/** A broker's address: the shared ingress, routed by path (Knative broker.go). */
export function brokerAddressUrl(options: {
  namespace: string;
  name: string;
  systemNamespace: string;
  clusterDomain: string;
}): string {
  const host = systemServiceHost(
    SystemService.BrokerIngress,
    options.systemNamespace,
    options.clusterDomain,
  );
  return `http://${host}/${options.namespace}/${options.name}`;
}
