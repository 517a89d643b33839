/**
 * The Kafka connection of every KafkaChannel, read at each reconcile as Knative does: the
 * ConfigMap `kafka-channel-config` of the system namespace (tracked, so an edit
 * re-reconciles the channel) and the Secret it may name for credentials (read directly:
 * only that one Secret, never a watch over all of them).
 */
import { isNotFound, type KubeClient, type KubeObject } from '@knative-ts/kube';
import {
  KafkaChannelConfigMapName,
  parseKafkaAuth,
  parseKafkaChannelConfig,
  type KafkaConnection,
} from '@knative-ts/types';
import type { References } from '../../references/references.js';

/** A connection, or why there is none: a condition reason and a message saying what to fix. */
export type KafkaConfigResult =
  { ok: true; connection: KafkaConnection } | { ok: false; reason: string; message: string };

interface DataObject extends KubeObject {
  data?: Record<string, string>;
}

export async function readKafkaConfig(args: {
  references: References;
  client: KubeClient;
  systemNamespace: string;
}): Promise<KafkaConfigResult> {
  const { references, client, systemNamespace } = args;
  const where = `${systemNamespace}/${KafkaChannelConfigMapName}`;
  const cm = await references.get<DataObject>({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace: systemNamespace,
    name: KafkaChannelConfigMapName,
  });
  if (!cm) {
    return {
      ok: false,
      reason: 'KafkaConfigMapNotFound',
      message: `ConfigMap ${where} does not exist: create it with bootstrap.servers`,
    };
  }
  const parsed = parseKafkaChannelConfig(cm.data, systemNamespace);
  if (!parsed.ok) {
    return {
      ok: false,
      reason: 'KafkaConfigInvalid',
      message: `ConfigMap ${where}: ${parsed.errors.join('; ')}`,
    };
  }
  const { brokers, authSecret } = parsed.value;
  if (!authSecret) return { ok: true, connection: { brokers } };
  const secretName = `${authSecret.namespace}/${authSecret.name}`;
  let secret: DataObject;
  try {
    secret = await client.get<DataObject>({ apiVersion: 'v1', kind: 'Secret', ...authSecret });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    return {
      ok: false,
      reason: 'KafkaAuthSecretNotFound',
      message: `Secret ${secretName} named by ConfigMap ${where} does not exist`,
    };
  }
  const data = Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([k, v]) => [
      k,
      Buffer.from(v, 'base64').toString('utf8'),
    ]),
  );
  const auth = parseKafkaAuth(data);
  if (!auth.ok) {
    return {
      ok: false,
      reason: 'KafkaAuthSecretInvalid',
      message: `Secret ${secretName}: ${auth.errors.join('; ')}`,
    };
  }
  return { ok: true, connection: { brokers, ...auth.value } };
}
