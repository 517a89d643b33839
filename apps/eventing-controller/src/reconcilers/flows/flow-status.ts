import type { KubeObject } from '@knative-ts/kube';
import type {
  ChannelableStatus,
  Condition,
  FlowChannelStatus,
  FlowSubscriptionStatus,
  ObjectReference,
  Subscription,
} from '@knative-ts/types';

/** A channel of any kind, as the flows read it (the Channelable duck type). */
export type FlowChannel = KubeObject & { status?: ChannelableStatus };

/** The status-list reference of a child: apiVersion, kind, name, namespace. */
export function objectReference(obj: KubeObject): ObjectReference {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name ?? '',
    namespace: obj.metadata.namespace ?? '',
  };
}

/**
 * The child's Ready condition, or Knative's "NoReady" Unknown stand-in. Knative stamps the
 * stand-in with time.Now() as a volatile time; we leave the time out so the status does
 * not change on every reconcile (our framework writes status whenever it differs).
 */
export function readyOf(obj: KubeObject & { status?: { conditions?: Condition[] } }): Condition {
  const ready = obj.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready) return structuredClone(ready);
  return {
    type: 'Ready',
    status: 'Unknown',
    reason: 'NoReady',
    message: `${obj.kind === 'Subscription' ? 'Subscription' : 'Channel'} does not have Ready condition`,
  };
}

/** Sequence-style channel status: the channel's own Ready condition. */
export function channelStatus(channel: FlowChannel): FlowChannelStatus {
  return { channel: objectReference(channel), ready: readyOf(channel) };
}

/** A subscription's status entry: its Ready condition. */
export function subscriptionStatus(sub: Subscription): FlowSubscriptionStatus {
  return { subscription: objectReference(sub), ready: readyOf(sub) };
}

/** Whether every entry is Ready=True; none at all counts as not ready, as in Knative. */
export function allReady(statuses: ReadonlyArray<{ ready: Condition }>): boolean {
  return statuses.length > 0 && statuses.every((s) => s.ready.status === 'True');
}
