import { SystemService, systemServiceHost } from './system-services.js';

/**
 * The control-plane / data-plane contract, part 3: a Trigger's address on broker-filter.
 * The Trigger reconciler subscribes `triggerFilterUrl`; broker-filter parses it back.
 *
 * The trigger address path on broker-filter (eventing
 * `pkg/reconciler/sugar/trigger/path/path.go`): `/triggers/<namespace>/<trigger>/<uid>`,
 * with a `/reply` or `/dls` suffix for the OIDC proxy endpoints. Knative takes any sixth
 * segment as a subscriber request; we refuse unknown suffixes and empty segments as 400.
 */
export type TriggerPath =
  | { kind: 'malformed' }
  | {
      kind: 'trigger';
      namespace: string;
      name: string;
      uid: string;
      endpoint: 'subscriber' | 'reply' | 'dls';
    };

const ENDPOINTS = { reply: 'reply', dls: 'dls' } as const;

/** Parses a request URL (path + optional query) into the trigger it addresses. */
export function parseTriggerPath(url: string): TriggerPath {
  const queryAt = url.indexOf('?');
  const parts = (queryAt === -1 ? url : url.slice(0, queryAt)).split('/');
  const [lead, prefix, namespace, name, uid, suffix] = parts;
  if (parts.length !== 5 && parts.length !== 6) return { kind: 'malformed' };
  if (lead !== '' || prefix !== 'triggers' || !namespace || !name || !uid) {
    return { kind: 'malformed' };
  }
  if (suffix === undefined)
    return { kind: 'trigger', namespace, name, uid, endpoint: 'subscriber' };
  const endpoint = ENDPOINTS[suffix as keyof typeof ENDPOINTS];
  if (endpoint === undefined) return { kind: 'malformed' };
  return { kind: 'trigger', namespace, name, uid, endpoint };
}

/** The path broker-filter serves a trigger's subscriber deliveries on. */
export function triggerPath(namespace: string, name: string, uid: string): string {
  return `/triggers/${namespace}/${name}/${uid}`;
}

/** Where broker-filter receives a trigger's events (its Subscription's subscriber). */
export function triggerFilterUrl(options: {
  namespace: string;
  name: string;
  uid: string;
  systemNamespace: string;
  clusterDomain: string;
}): string {
  const host = systemServiceHost(
    SystemService.BrokerFilter,
    options.systemNamespace,
    options.clusterDomain,
  );
  return `http://${host}${triggerPath(options.namespace, options.name, options.uid)}`;
}
