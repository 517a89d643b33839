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

/** KafkaChannel conditions (eventing-kafka-broker reconciler/channel). */
export const KafkaChannelConditions = livingConditionSet([
  'Subscribers',
  'TopicReady',
  'ConfigMapUpdated',
  'ConfigParsed',
  'ProbeSucceeded',
]);
