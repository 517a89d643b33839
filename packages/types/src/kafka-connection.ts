/**
 * How KafkaChannel components reach Kafka, as eventing-kafka-broker configures it: the
 * ConfigMap `kafka-channel-config` in the system namespace holds `bootstrap.servers` and
 * may name a Secret (`auth.secret.ref.name`, `auth.secret.ref.namespace`) whose keys
 * `protocol`, `sasl.mechanism`, `user`, `password`, `ca.crt`, `user.crt`, `user.key` carry
 * the credentials. Credentials never come from a ConfigMap. Pure: the caller reads the
 * objects; the result has the shape kafkajs takes (`brokers`, `ssl`, `sasl`).
 */
import type { ConfigResult } from './config-parse.js';

/** Knative's ConfigMap of KafkaChannel connection settings, in the system namespace. */
export const KafkaChannelConfigMapName = 'kafka-channel-config';
export const BootstrapServersKey = 'bootstrap.servers';
export const AuthSecretNameKey = 'auth.secret.ref.name';
export const AuthSecretNamespaceKey = 'auth.secret.ref.namespace';

/** The settings of `kafka-channel-config` before the Secret is read. */
export interface KafkaChannelConfig {
  brokers: string[];
  /** The Secret holding credentials, when the ConfigMap names one. */
  authSecret?: { namespace: string; name: string };
}

export type KafkaSecurityProtocol = 'PLAINTEXT' | 'SASL_PLAINTEXT' | 'SSL' | 'SASL_SSL';
export type KafkaSaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

/** TLS and SASL settings in kafkajs's shape. */
export interface KafkaAuth {
  ssl?: boolean | { ca?: string[]; cert?: string; key?: string };
  sasl?: { mechanism: KafkaSaslMechanism; username: string; password: string };
}

/** Everything a Kafka client needs. */
export interface KafkaConnection extends KafkaAuth {
  brokers: string[];
}

/** `host:port,host:port` → a list, refusing entries without a port. */
export function parseBootstrapServers(raw: string | undefined): ConfigResult<string[]> {
  const brokers = (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (brokers.length === 0) {
    return {
      ok: false,
      errors: [`${BootstrapServersKey} is empty: set it to host:port[,host:port]`],
    };
  }
  const bad = brokers.filter((b) => !/^[^\s:]+:\d{1,5}$|^\[[0-9a-f:]+\]:\d{1,5}$/i.test(b));
  if (bad.length > 0) {
    return { ok: false, errors: [`${BootstrapServersKey}: not host:port: ${bad.join(', ')}`] };
  }
  return { ok: true, value: brokers };
}

/** The data of `kafka-channel-config`; a Secret without namespace is in `systemNamespace`. */
export function parseKafkaChannelConfig(
  data: Record<string, string> | undefined,
  systemNamespace: string,
): ConfigResult<KafkaChannelConfig> {
  const brokers = parseBootstrapServers(data?.[BootstrapServersKey]);
  if (!brokers.ok) return brokers;
  const name = data?.[AuthSecretNameKey]?.trim();
  if (!name) return { ok: true, value: { brokers: brokers.value } };
  const namespace = data?.[AuthSecretNamespaceKey]?.trim() || systemNamespace;
  return { ok: true, value: { brokers: brokers.value, authSecret: { namespace, name } } };
}

const protocols: readonly KafkaSecurityProtocol[] = [
  'PLAINTEXT',
  'SASL_PLAINTEXT',
  'SSL',
  'SASL_SSL',
];
const mechanisms: Record<string, KafkaSaslMechanism> = {
  PLAIN: 'plain',
  'SCRAM-SHA-256': 'scram-sha-256',
  'SCRAM-SHA-512': 'scram-sha-512',
};

/**
 * The credentials of a Secret's decoded data (Knative's legacy keys). `protocol` defaults
 * to PLAINTEXT; SASL needs `user` and `password`; `ca.crt` / `user.crt` + `user.key` set TLS.
 */
export function parseKafkaAuth(data: Record<string, string | undefined>): ConfigResult<KafkaAuth> {
  const protocol = (data['protocol']?.trim() || 'PLAINTEXT').toUpperCase();
  if (!(protocols as readonly string[]).includes(protocol)) {
    return {
      ok: false,
      errors: [`protocol must be one of ${protocols.join(', ')}, got "${protocol}"`],
    };
  }
  const errors: string[] = [];
  const auth: KafkaAuth = {};
  if (protocol === 'SSL' || protocol === 'SASL_SSL') {
    const ca = data['ca.crt'];
    const cert = data['user.crt'];
    const key = data['user.key'];
    if ((cert === undefined) !== (key === undefined)) {
      errors.push('user.crt and user.key must be set together');
    }
    auth.ssl =
      ca === undefined && cert === undefined
        ? true
        : { ...(ca !== undefined && { ca: [ca] }), ...(cert && { cert }), ...(key && { key }) };
  }
  if (protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL') {
    const raw = (data['sasl.mechanism']?.trim() || 'PLAIN').toUpperCase();
    const mechanism = mechanisms[raw];
    const username = data['user'];
    const password = data['password'];
    if (mechanism === undefined) {
      errors.push(
        `sasl.mechanism must be one of ${Object.keys(mechanisms).join(', ')}, got "${raw}"`,
      );
    }
    if (!username || !password) errors.push(`${protocol} needs user and password`);
    if (mechanism && username && password) auth.sasl = { mechanism, username, password };
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: auth };
}
