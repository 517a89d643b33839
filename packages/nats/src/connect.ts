/**
 * One connection to NATS per process, from `natsSchema`'s variables: settings parsed once,
 * the Secrets they name read once, then the client keeps reconnecting on its own.
 */
import type { KubeClient } from '@knative-ts/kube';
import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { str } from '@knative-ts/runtime';
import { NatsConfigError } from './config-error.js';
import { readNatsSecrets } from './secrets.js';
import { parseNatsSettings } from './settings.js';

/** The variables of every app that talks to NATS. */
export const natsSchema = {
  /** nats://host:port[,…]; used when config-nats sets no url (the chart maps config-nats `url`). */
  NATS_URL: str(''),
  /** The YAML of config-nats key `eventing-nats` (Knative's format), from the chart. */
  NATS_CONFIG: str(''),
};

export interface NatsConnectOptions {
  url: string;
  config: string;
  /** Reads Secrets named in the settings, in `namespace`. */
  client: KubeClient;
  namespace: string;
  /** Client name shown by the server (the app name). */
  name: string;
}

export interface Nats {
  connection: NatsConnection;
  manager: JetStreamManager;
  close(): Promise<void>;
}

/** Whether NATS is configured at all (else a channel gets an actionable condition). */
export function natsConfigured(url: string, config: string): boolean {
  return url.trim() !== '' || config.trim() !== '';
}

/** Connects, or throws a NatsConfigError / the client's error saying why not. */
export async function connectNats(options: NatsConnectOptions): Promise<Nats> {
  const parsed = parseNatsSettings({ url: options.url, config: options.config });
  if (!parsed.ok) throw new NatsConfigError(`config-nats: ${parsed.errors.join('; ')}`);
  const secrets = await readNatsSecrets(options.client, options.namespace, parsed.settings);
  // Loaded on the first connection, not with this package: the NATS client and JetStream
  // modules hold about 5 MiB of heap, which an eventing-controller without a JetStream
  // channel never needs.
  const [{ connect }, { jetstreamManager }, { connectOptions }] = await Promise.all([
    import('@nats-io/transport-node'),
    import('@nats-io/jetstream'),
    import('./connect-options.js'),
  ]);
  const connection = await connect(connectOptions(parsed.settings, secrets, options.name));
  const manager = await jetstreamManager(connection);
  return {
    connection,
    manager,
    // Drain lets in-flight publishes and acks reach the server before the socket closes.
    close: () => connection.drain(),
  };
}
