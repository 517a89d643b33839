import { serviceHostName } from '@knative-ts/types';

/** The shared broker data plane's Services in the system namespace (mt-channel-broker). */
export const BrokerIngressName = 'broker-ingress';
export const BrokerFilterName = 'broker-filter';

/** A broker's address: the shared ingress, routed by path (broker.go). */
export function brokerAddressUrl(options: {
  namespace: string;
  name: string;
  systemNamespace: string;
  clusterDomain: string;
}): string {
  const host = serviceHostName(BrokerIngressName, options.systemNamespace, options.clusterDomain);
  return `http://${host}/${options.namespace}/${options.name}`;
}
