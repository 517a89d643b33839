import { validateChannelableSpec } from './channelable-validation.js';
import type { ValidationFeatures } from './features.js';
import { invalidValue, viaField, type FieldError } from './field-error.js';
import { parseIsoDuration } from './iso-duration.js';
import type { KafkaChannel } from './kafka-channel.js';

/** Validate a defaulted KafkaChannel: positive partitions and replication, a valid retention. */
export function validateKafkaChannel(
  kc: KafkaChannel,
  features: Partial<ValidationFeatures> = {},
): FieldError[] {
  const ctx = { parentNamespace: kc.metadata.namespace ?? '', features };
  const spec = kc.spec;
  const errs: FieldError[] = [];
  if (!(Number.isInteger(spec.numPartitions) && (spec.numPartitions ?? 0) > 0)) {
    errs.push(invalidValue(spec.numPartitions, 'numPartitions'));
  }
  if (!(Number.isInteger(spec.replicationFactor) && (spec.replicationFactor ?? 0) > 0)) {
    errs.push(invalidValue(spec.replicationFactor, 'replicationFactor'));
  }
  if (spec.retentionDuration === undefined || !parseIsoDuration(spec.retentionDuration).ok) {
    errs.push(invalidValue(spec.retentionDuration, 'retentionDuration'));
  }
  errs.push(...validateChannelableSpec(spec, ctx));
  return viaField(errs, 'spec');
}
