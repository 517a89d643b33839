import {
  DefaultNumPartitions,
  DefaultReplicationFactor,
  DefaultRetentionDuration,
  kafkaChannelTopicName,
  parseIsoDuration,
  type KafkaChannel,
} from '@knative-ts/types';
import type { TopicSpec } from '../kafka-admin.js';

/** The topic a KafkaChannel asks for, with Knative's defaults for what its spec omits. */
export function makeTopic(kc: KafkaChannel): TopicSpec {
  const spec = kc.spec ?? {};
  const retention = parseIsoDuration(spec.retentionDuration || DefaultRetentionDuration);
  const fallback = parseIsoDuration(DefaultRetentionDuration);
  return {
    topic: kafkaChannelTopicName(kc.metadata.namespace ?? '', kc.metadata.name ?? ''),
    numPartitions: spec.numPartitions || DefaultNumPartitions,
    replicationFactor: spec.replicationFactor || DefaultReplicationFactor,
    retentionMs: retention.ok ? retention.ms : fallback.ok ? fallback.ms : 7 * 24 * 3600 * 1000,
  };
}
