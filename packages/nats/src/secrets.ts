/** Reads the Secrets the NATS settings name, once at start-up, from the system namespace. */
import type { KubeClient, KubeObject } from '@knative-ts/kube';
import { NatsConfigError, type SecretData } from './config-error.js';
import { secretNames, type NatsSettings } from './settings.js';

interface Secret extends KubeObject {
  data?: Record<string, string>;
}

/** Every named Secret, decoded; a missing Secret is a NatsConfigError saying which. */
export async function readNatsSecrets(
  client: KubeClient,
  namespace: string,
  settings: NatsSettings,
): Promise<SecretData> {
  const out: SecretData = new Map();
  for (const name of secretNames(settings)) {
    let secret: Secret;
    try {
      secret = await client.get<Secret>({ apiVersion: 'v1', kind: 'Secret', namespace, name });
    } catch (err) {
      throw new NatsConfigError(
        `cannot read Secret ${namespace}/${name} named in config-nats: ${(err as Error).message}`,
        { cause: err },
      );
    }
    const data: Record<string, Uint8Array> = {};
    for (const [key, b64] of Object.entries(secret.data ?? {}))
      data[key] = Buffer.from(b64, 'base64');
    out.set(name, data);
  }
  return out;
}
