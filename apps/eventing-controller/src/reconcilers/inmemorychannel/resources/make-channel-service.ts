import type { KubeObject } from '@knative-ts/kube';
import { ownerReference } from '@knative-ts/reconciler';
import {
  channelServiceName,
  serviceHostName,
  SystemService,
  type InMemoryChannel,
} from '@knative-ts/types';

/** The shared dispatcher every InMemoryChannel Service points at. */
export const DispatcherName = SystemService.ImcDispatcher;

/** Label Knative puts on each channel Service. */
export const MessagingRoleLabel = 'messaging.knative.dev/role';
export const MessagingRole = 'in-memory-channel';

export interface ChannelServiceArgs {
  imc: InMemoryChannel;
  /** Where the dispatcher Service lives (the system namespace). */
  dispatcherNamespace: string;
  clusterDomain: string;
}

/** A core/v1 Service; only the fields this app reads or writes. */
export interface Service extends KubeObject {
  spec?: { type?: string; externalName?: string; [field: string]: unknown };
}

/**
 * The ExternalName Service `<name>-kn-channel` that makes the channel's cluster address
 * resolve to the dispatcher, which routes by Host header (Knative's NewK8sService with
 * ExternalService).
 */
export function makeChannelService({
  imc,
  dispatcherNamespace,
  clusterDomain,
}: ChannelServiceArgs): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: channelServiceName(imc.metadata.name ?? ''),
      namespace: imc.metadata.namespace,
      labels: { [MessagingRoleLabel]: MessagingRole },
      ownerReferences: [ownerReference(imc)],
    },
    spec: {
      type: 'ExternalName',
      externalName: serviceHostName(DispatcherName, dispatcherNamespace, clusterDomain),
    },
  };
}
