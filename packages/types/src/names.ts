import { createHash } from 'node:crypto';

/** Longest name Kubernetes accepts for most objects (DNS label). */
const LONGEST = 63;
/** Length of an md5 digest in hex. */
const MD5_LEN = 32;
/** What is left of the parent once the hash is in. */
const HEAD = LONGEST - MD5_LEN;

/** The cluster domain Knative assumes unless told otherwise. */
export const DefaultClusterDomain = 'cluster.local';

function md5Hex(s: string): string {
  return createHash('md5').update(s).digest('hex');
}

/**
 * `parent + suffix`, hashed to fit 63 characters when too long, exactly as
 * knative.dev/pkg kmeta.ChildName does, so names match objects Knative would create.
 */
export function childName(parent: string, suffix: string): string {
  if (parent.length <= LONGEST - suffix.length) return parent + suffix;
  if (HEAD - suffix.length <= 0) {
    // The suffix alone leaves no room: hash everything, pad with the start of the suffix.
    let ret = parent.slice(0, HEAD) + md5Hex(parent + suffix);
    const room = LONGEST - ret.length;
    if (room > 0) ret += suffix.slice(0, room);
    return trimNonAlphanumericTail(ret);
  }
  return parent.slice(0, HEAD - suffix.length) + md5Hex(parent) + suffix;
}

/** Trimming may leave a trailing `-` or `.`, which names must not end with. */
function trimNonAlphanumericTail(n: string): string {
  return n.replace(/[^a-zA-Z0-9]+$/, '');
}

/** Name of the per-channel ExternalName Service: `<name>-kn-channel`. */
export function channelServiceName(channelName: string): string {
  return `${channelName}-kn-channel`;
}

/** Host of a channel's address: `<name>-kn-channel.<ns>.svc.<domain>`. */
export function channelHostName(
  channelName: string,
  namespace: string,
  domain = DefaultClusterDomain,
): string {
  return serviceHostName(channelServiceName(channelName), namespace, domain);
}

/** In-cluster host of a Service: `<name>.<ns>.svc.<domain>`. */
export function serviceHostName(
  serviceName: string,
  namespace: string,
  domain = DefaultClusterDomain,
): string {
  return `${serviceName}.${namespace}.svc.${domain}`;
}

/** The channel a Broker creates for its triggers: `<broker>-kne-trigger`. */
export function brokerTriggerChannelName(brokerName: string): string {
  return `${brokerName}-kne-trigger`;
}

/** The Subscription a Trigger creates on its broker's channel. */
export function triggerSubscriptionName(
  brokerName: string,
  triggerName: string,
  uid: string,
): string {
  return childName(`${brokerName}-${triggerName}-`, uid);
}

/** Channel and Subscription of Sequence step `i`: `<seq>-kn-sequence-<i>`. */
export function sequenceChannelName(sequenceName: string, step: number): string {
  return `${sequenceName}-kn-sequence-${step}`;
}

/** Ingress channel of a Parallel: `<p>-kn-parallel`. */
export function parallelIngressChannelName(parallelName: string): string {
  return `${parallelName}-kn-parallel`;
}

/** Channel, and subscriber Subscription, of Parallel branch `i`: `<p>-kn-parallel-<i>`. */
export function parallelBranchName(parallelName: string, branch: number): string {
  return `${parallelName}-kn-parallel-${branch}`;
}

/** Filter Subscription of Parallel branch `i`: `<p>-kn-parallel-filter-<i>`. */
export function parallelFilterSubscriptionName(parallelName: string, branch: number): string {
  return `${parallelName}-kn-parallel-filter-${branch}`;
}

/** SinkBinding a ContainerSource creates: `<name>-sinkbinding`. */
export function containerSourceSinkBindingName(sourceName: string): string {
  return `${sourceName}-sinkbinding`;
}

/** Deployment a ContainerSource creates: `<name>-deployment`. */
export function containerSourceDeploymentName(sourceName: string): string {
  return `${sourceName}-deployment`;
}

/** Adapter Deployment of one ApiServerSource: `apiserversource-<name>-<uid>`, fitted to 63. */
export function apiServerSourceDeploymentName(sourceName: string, uid: string): string {
  return childName(`apiserversource-${sourceName}-`, uid);
}

/** Kafka topic of a KafkaChannel: `knative-messaging-kafka.<ns>.<name>`. */
export function kafkaChannelTopicName(namespace: string, name: string): string {
  return `knative-messaging-kafka.${namespace}.${name}`;
}

/** Consumer group of one KafkaChannel subscriber: `kafka.<ns>.<channel>.<subscriber uid>`. */
export function kafkaChannelConsumerGroup(namespace: string, channel: string, uid: string): string {
  return `kafka.${namespace}.${channel}.${uid}`;
}

/** JetStream stream of a NatssChannel: `KN_<NS>__<NAME>`, upper-case, `-` → `_`. */
export function jetStreamStreamName(namespace: string, name: string): string {
  return `KN_${namespace}__${name}`.toUpperCase().replace(/-/g, '_');
}

/** Subject a NatssChannel's ingress publishes to: `<ns>.<name>._knative` (eventing-natss). */
export function jetStreamSubject(namespace: string, name: string): string {
  return `${namespace}.${name}._knative`;
}

/** Durable consumer of one subscription: `KN_SUB_<UID>`, dashes removed, upper-case. */
export function jetStreamConsumerName(subscriptionUid: string): string {
  return `KN_SUB_${subscriptionUid.replace(/-/g, '').toUpperCase()}`;
}
