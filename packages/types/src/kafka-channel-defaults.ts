import { withSubscribableAnnotation } from './channel-defaults.js';
import { defaultDelivery } from './destination-defaults.js';
import type { KafkaChannel } from './kafka-channel.js';

/** Partitions of a new topic when the spec says nothing. */
export const DefaultNumPartitions = 1;
/** Replication factor of a new topic when the spec says nothing. */
export const DefaultReplicationFactor = 1;
/** Retention of a new topic when the spec says nothing: one week. */
export const DefaultRetentionDuration = 'PT168H';

/** Default a KafkaChannel (kafka_channel_defaults.go); zero counts as unset, as in Go. */
export function defaultKafkaChannel(kc: KafkaChannel): KafkaChannel {
  const out = withSubscribableAnnotation(structuredClone(kc));
  const spec = out.spec;
  if (!spec.numPartitions) spec.numPartitions = DefaultNumPartitions;
  if (!spec.replicationFactor) spec.replicationFactor = DefaultReplicationFactor;
  if (!spec.retentionDuration) spec.retentionDuration = DefaultRetentionDuration;
  if (spec.delivery) spec.delivery = defaultDelivery(spec.delivery, out.metadata.namespace);
  return out;
}
