import { ownerReference } from '@knative-ts/reconciler';
import { channelServiceName, serviceHostName, type KafkaChannel } from '@knative-ts/types';
import type { Service } from '../../inmemorychannel/resources/make-channel-service.js';

/** The shared dispatcher every KafkaChannel Service points at. */
export const DispatcherName = 'kafka-channel-dispatcher';

/** Label Knative puts on each channel Service. */
export const MessagingRoleLabel = 'messaging.knative.dev/role';
export const MessagingRole = 'kafka-channel';

/**
 * The ExternalName Service `<name>-kn-channel` that makes the channel's cluster address
 * resolve to the dispatcher, which routes by Host header (eventing-kafka-broker
 * `resources.MakeK8sService` with `ExternalService`).
 */
export function makeChannelService(args: {
  kc: KafkaChannel;
  dispatcherNamespace: string;
  clusterDomain: string;
}): Service {
  const { kc, dispatcherNamespace, clusterDomain } = args;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: channelServiceName(kc.metadata.name ?? ''),
      namespace: kc.metadata.namespace,
      labels: { [MessagingRoleLabel]: MessagingRole },
      ownerReferences: [ownerReference(kc)],
    },
    spec: {
      type: 'ExternalName',
      externalName: serviceHostName(DispatcherName, dispatcherNamespace, clusterDomain),
    },
  };
}
