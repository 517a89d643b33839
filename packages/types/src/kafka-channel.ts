import type { ChannelableSpec, ChannelableStatus } from './channelable.js';
import { livingConditionSet } from './condition-set.js';
import type { KnativeObject } from './duck.js';

/** KafkaChannel spec: topic settings (all immutable) plus the channelable fields. */
export interface KafkaChannelSpec extends ChannelableSpec {
  numPartitions?: number;
  replicationFactor?: number;
  /** ISO-8601 retention of the topic. */
  retentionDuration?: string;
}

/** messaging.knative.dev/v1beta1 KafkaChannel (eventing-kafka-broker). */
export type KafkaChannel = KnativeObject<KafkaChannelSpec, ChannelableStatus>;

/**
 * KafkaChannel conditions (eventing-kafka-broker reconciler/channel v2); `Addressable` is
 * set as Knative sets it there, outside the set, so it carries Info severity.
 */
export const KafkaChannelConditions = livingConditionSet(
  ['Subscribers', 'TopicReady', 'ConfigMapUpdated', 'ConfigParsed', 'ProbeSucceeded'],
  ['Addressable'],
);

/**
 * Subscription (or channel) annotation choosing how a consumer group dispatches:
 * `ordered` (default; one event in flight per partition) or `unordered`.
 */
export const KafkaDeliveryOrderAnnotation = 'kafka.eventing.knative.dev/delivery.order';
export type KafkaDeliveryOrder = 'ordered' | 'unordered';
