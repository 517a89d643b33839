/**
 * The control-plane / data-plane contract, part 1: the Services of the system namespace
 * that the controller points addresses at and the data plane answers on. Both sides
 * import these names; neither keeps a copy.
 */
import { serviceHostName } from '../names.js';

/** Where the chart installs the system, unless told otherwise (Knative's name). */
export const DEFAULT_SYSTEM_NAMESPACE = 'knative-eventing';

/** The Services of the shared data plane, by role (Knative's names). */
export const SystemService = {
  /** mt-channel-based broker ingress: `POST /<namespace>/<broker>`. */
  BrokerIngress: 'broker-ingress',
  /** mt-channel-based broker filter: `POST /triggers/<namespace>/<trigger>/<uid>`. */
  BrokerFilter: 'broker-filter',
  /** Every InMemoryChannel's `<name>-kn-channel` ExternalName Service points here. */
  ImcDispatcher: 'imc-dispatcher',
  KafkaChannelDispatcher: 'kafka-channel-dispatcher',
  NatssChannelDispatcher: 'natss-channel-dispatcher',
  /** The PingSource reconciler checks this Service's endpoints (Knative's name). */
  PingAdapter: 'pingsource-mt-adapter',
} as const;

export type SystemService = (typeof SystemService)[keyof typeof SystemService];

/** The in-cluster host of a system Service. */
export function systemServiceHost(
  service: SystemService,
  systemNamespace: string,
  clusterDomain?: string,
): string {
  return serviceHostName(service, systemNamespace, clusterDomain);
}
