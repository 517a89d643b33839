import { ownerReference } from '@knative-ts/reconciler';
import { channelServiceName, serviceHostName, type NatssChannel } from '@knative-ts/types';
import type { Service } from '../../inmemorychannel/resources/make-channel-service.js';

/** The shared dispatcher every JetStream channel Service points at. */
export const DispatcherName = 'natss-channel-dispatcher';

export const MessagingRoleLabel = 'messaging.knative.dev/role';
export const MessagingRole = 'jetstream-channel';

/**
 * The ExternalName Service `<name>-kn-channel` that makes the channel's cluster address
 * resolve to natss-channel-dispatcher, which routes by Host header (eventing-natss
 * `resources/service.go`).
 */
export function makeChannelService(args: {
  channel: NatssChannel;
  dispatcherNamespace: string;
  clusterDomain: string;
}): Service {
  const { channel, dispatcherNamespace, clusterDomain } = args;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: channelServiceName(channel.metadata.name ?? ''),
      namespace: channel.metadata.namespace,
      labels: { [MessagingRoleLabel]: MessagingRole },
      ownerReferences: [ownerReference(channel)],
    },
    spec: {
      type: 'ExternalName',
      externalName: serviceHostName(DispatcherName, dispatcherNamespace, clusterDomain),
    },
  };
}
