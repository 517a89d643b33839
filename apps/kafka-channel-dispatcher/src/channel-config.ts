/**
 * A KafkaChannel compiled into what the ingress and the consumer groups need: its topic,
 * whether the topic exists yet (TopicReady), the dispatch order, and one entry per
 * subscriber with its delivery compiled and its consumer group named. Pure.
 */
import { compileDelivery, type DeliveryConfig } from '@knative-ts/delivery';
import {
  channelHostName,
  kafkaChannelConsumerGroup,
  kafkaChannelTopicName,
  KafkaDeliveryOrderAnnotation,
  type DeliverySpec,
  type KafkaChannel,
  type KafkaDeliveryOrder,
  type SubscriberSpec,
} from '@knative-ts/types';

/** One subscriber, ready to consume for. */
export interface CompiledSubscriber {
  uid: string;
  /** The Subscription's name (metrics' consumer_name), when the controller wrote it. */
  name?: string;
  generation?: number;
  /** `kafka.<ns>.<channel>.<uid>`. */
  group: string;
  subscriber: string;
  reply?: string;
  deadLetterSink?: string;
  config: DeliveryConfig;
}

/** A subscriber that cannot be served, and why. */
export interface RejectedSubscriber {
  uid: string;
  message: string;
}

export interface ChannelConfig {
  namespace: string;
  name: string;
  uid: string;
  /** `<name>-kn-channel.<ns>.svc.<domain>`, lower case. */
  host: string;
  topic: string;
  /** The controller reported the topic created: only then are events written or read. */
  topicReady: boolean;
  order: KafkaDeliveryOrder;
  subscribers: CompiledSubscriber[];
  rejected: RejectedSubscriber[];
}

/** Compile `kc` for cluster domain `domain`; bad subscribers are rejected one by one. */
export function compileChannel(kc: KafkaChannel, domain: string): ChannelConfig {
  const namespace = kc.metadata.namespace ?? '';
  const name = kc.metadata.name ?? '';
  const subscribers: CompiledSubscriber[] = [];
  const rejected: RejectedSubscriber[] = [];
  for (const spec of kc.spec?.subscribers ?? []) {
    const compiled = compileSubscriber(spec, kc);
    if ('message' in compiled) rejected.push(compiled);
    else subscribers.push(compiled);
  }
  const topicReady = (kc.status?.conditions ?? []).some(
    (c) => c.type === 'TopicReady' && c.status === 'True',
  );
  return {
    namespace,
    name,
    uid: kc.metadata.uid ?? '',
    host: channelHostName(name, namespace, domain).toLowerCase(),
    topic: kafkaChannelTopicName(namespace, name),
    topicReady: topicReady && !kc.metadata.deletionTimestamp,
    order:
      kc.metadata.annotations?.[KafkaDeliveryOrderAnnotation] === 'unordered'
        ? 'unordered'
        : 'ordered',
    subscribers,
    rejected,
  };
}

/**
 * Once a channel's topic is known to exist it stays served: the controller marks TopicReady
 * False whenever it cannot reach Kafka (e.g. while Kafka restarts), which says nothing
 * about the topic, and unloading would refuse events and stop every consumer meanwhile.
 * Only deletion (or a new channel of the same name) ends it.
 */
export function keepTopicReady(
  previous: ChannelConfig | undefined,
  next: ChannelConfig,
  deleting: boolean,
): ChannelConfig {
  if (next.topicReady || deleting || !previous?.topicReady || previous.uid !== next.uid)
    return next;
  return { ...next, topicReady: true };
}

function compileSubscriber(
  spec: SubscriberSpec,
  kc: KafkaChannel,
): CompiledSubscriber | RejectedSubscriber {
  const uid = spec.uid ?? '';
  if (!uid) return { uid, message: 'subscriber has no uid' };
  if (!spec.subscriberUri) return { uid, message: 'subscriber has no subscriberUri' };
  const { delivery, deadLetterSink } = effectiveDelivery(spec, kc);
  let config: DeliveryConfig;
  try {
    config = compileDelivery(delivery);
  } catch (err) {
    return { uid, message: `invalid delivery: ${(err as Error).message}` };
  }
  const out: CompiledSubscriber = {
    uid,
    group: kafkaChannelConsumerGroup(kc.metadata.namespace ?? '', kc.metadata.name ?? '', uid),
    subscriber: spec.subscriberUri,
    config,
  };
  if (spec.name) out.name = spec.name;
  if (spec.generation !== undefined) out.generation = spec.generation;
  if (spec.replyUri) out.reply = spec.replyUri;
  if (deadLetterSink) out.deadLetterSink = deadLetterSink;
  return out;
}

/**
 * The subscriber's delivery replaces the channel's as a whole (data-plane-spec F.45); the
 * channel's dead-letter sink is the URI the controller resolved into its status.
 */
export function effectiveDelivery(
  spec: SubscriberSpec,
  kc: KafkaChannel,
): { delivery?: DeliverySpec; deadLetterSink?: string } {
  if (spec.delivery !== undefined) {
    const uri = spec.delivery.deadLetterSink?.uri;
    return uri ? { delivery: spec.delivery, deadLetterSink: uri } : { delivery: spec.delivery };
  }
  const delivery = kc.spec?.delivery;
  if (delivery === undefined) return {};
  const uri = kc.status?.deadLetterSinkUri ?? absoluteUri(delivery.deadLetterSink?.uri);
  return uri ? { delivery, deadLetterSink: uri } : { delivery };
}

function absoluteUri(uri: string | undefined): string | undefined {
  return uri !== undefined && /^https?:\/\//i.test(uri) ? uri : undefined;
}
