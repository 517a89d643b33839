import { receiverSchema } from '@knative-ts/delivery';
import { triggerChannelSchema } from '@knative-ts/trigger-delivery';
import { autoCreateSchema } from '@knative-ts/eventtype-registry';
import { int, str, type Field } from '@knative-ts/runtime';

/** An optional string: absent stays undefined (credentials are optional). */
function optional(): Field<string | undefined> {
  return { parse: (raw) => ({ ok: true, value: raw === '' ? undefined : raw }) };
}

/**
 * The dispatcher's own variables, read once by main with the base ones. Kafka's address
 * comes from `kafka-channel-config` (`bootstrap.servers`) and its credentials from the
 * Secret that ConfigMap names, mapped into env by the chart (or set by hand locally).
 */
export const dispatcherSchema = {
  ...receiverSchema({
    podName: 'kafka-channel-dispatcher',
    containerName: 'kafka-channel-dispatcher',
  }),
  /** Where broker-filter runs: its error bodies are unwrapped for dead letters. */
  SYSTEM_NAMESPACE: str('knative-eventing'),
  ...triggerChannelSchema,
  /** Comma-separated host:port list (ConfigMap kafka-channel-config, bootstrap.servers). */
  KAFKA_BROKERS: str(),
  ...autoCreateSchema,
  /** Secret keys `protocol`, `sasl.mechanism`, `user`, `password`, `ca.crt`, `user.crt`, `user.key`. */
  KAFKA_SECURITY_PROTOCOL: optional(),
  KAFKA_SASL_MECHANISM: optional(),
  KAFKA_SASL_USER: optional(),
  KAFKA_SASL_PASSWORD: optional(),
  KAFKA_CA_CERT: optional(),
  KAFKA_CLIENT_CERT: optional(),
  KAFKA_CLIENT_KEY: optional(),
  /** Longest wait for Kafka to acknowledge a write before the sender gets 503. */
  PRODUCE_TIMEOUT_MS: int({ min: 100, default: 10_000 }),
  /** Bytes of events waiting for Kafka; above it new events get 503 with Retry-After. */
  MAX_PENDING_BYTES: int({ min: 1024, default: 32 * 1024 * 1024 }),
  /** Events in flight per partition of an unordered subscription. */
  UNORDERED_MAX_IN_FLIGHT: int({ min: 1, default: 32 }),
  /** Largest fetch per partition and per consumer: what bounds memory however far a subscriber lags. */
  FETCH_MAX_BYTES_PER_PARTITION: int({ min: 1024, default: 1024 * 1024 }),
  FETCH_MAX_BYTES: int({ min: 1024, default: 4 * 1024 * 1024 }),
};
