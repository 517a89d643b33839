/**
 * The Kafka client of this process: brokers and credentials from the validated env, and
 * kafkajs's own log lines routed into ours (kafkajs logs reconnects at error level; they
 * are expected while Kafka restarts, so they are logged as warnings).
 */
import { parseBootstrapServers, parseKafkaAuth, type KafkaConnection } from '@knative-ts/types';
import type { Logger } from '@knative-ts/runtime';
import { Kafka, logLevel, type LogEntry, type SASLOptions } from 'kafkajs';

/** The env variables that describe the connection (see config.ts). */
export interface KafkaEnv {
  KAFKA_BROKERS: string;
  KAFKA_SECURITY_PROTOCOL: string | undefined;
  KAFKA_SASL_MECHANISM: string | undefined;
  KAFKA_SASL_USER: string | undefined;
  KAFKA_SASL_PASSWORD: string | undefined;
  KAFKA_CA_CERT: string | undefined;
  KAFKA_CLIENT_CERT: string | undefined;
  KAFKA_CLIENT_KEY: string | undefined;
}

/** The connection `env` describes; throws naming what is wrong, so start-up fails fast. */
export function connectionFromEnv(env: KafkaEnv): KafkaConnection {
  const brokers = parseBootstrapServers(env.KAFKA_BROKERS);
  const auth = parseKafkaAuth({
    protocol: env.KAFKA_SECURITY_PROTOCOL,
    'sasl.mechanism': env.KAFKA_SASL_MECHANISM,
    user: env.KAFKA_SASL_USER,
    password: env.KAFKA_SASL_PASSWORD,
    'ca.crt': env.KAFKA_CA_CERT,
    'user.crt': env.KAFKA_CLIENT_CERT,
    'user.key': env.KAFKA_CLIENT_KEY,
  });
  const errors = [...(brokers.ok ? [] : brokers.errors), ...(auth.ok ? [] : auth.errors)];
  if (!brokers.ok || !auth.ok) throw new Error(`invalid Kafka configuration: ${errors.join('; ')}`);
  return { brokers: brokers.value, ...auth.value };
}

/** A kafkajs client for `connection`, logging through `log`. */
export function createKafka(connection: KafkaConnection, clientId: string, log: Logger): Kafka {
  return new Kafka({
    clientId,
    brokers: connection.brokers,
    ...(connection.ssl !== undefined && { ssl: connection.ssl }),
    ...(connection.sasl !== undefined && { sasl: connection.sasl as SASLOptions }),
    // Reconnects are bounded by our own timeouts; kafkajs's default of 30 s hides outages.
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    // Backoff capped at 5 s (kafkajs: 30 s), so consumers are back soon after Kafka is.
    retry: { initialRetryTime: 200, maxRetryTime: 5_000, retries: 10 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...fields } = entry;
        const line = { kafkajs: fields };
        if (level <= logLevel.WARN) log.warn(line, `kafkajs: ${message}`);
        else log.debug(line, `kafkajs: ${message}`);
      },
  });
}
