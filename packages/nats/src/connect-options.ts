/**
 * NATS client options from the settings and the Secrets they name (already read), so the
 * credentials never pass through env or ConfigMaps. Pure; throws a NatsConfigError that
 * names the Secret and key at fault.
 */
import {
  credsAuthenticator,
  nkeyAuthenticator,
  tokenAuthenticator,
  usernamePasswordAuthenticator,
  type Authenticator,
  type NodeConnectionOptions,
} from '@nats-io/transport-node';
import { NatsConfigError, type SecretData } from './config-error.js';
import type { NatsSettings } from './settings.js';

const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

/** Options for `connect()`; `name` is the client name the server shows in its monitoring. */
export function connectOptions(
  settings: NatsSettings,
  secrets: SecretData,
  name: string,
): NodeConnectionOptions {
  const value = (secret: string, key: string): Uint8Array => {
    const data = secrets.get(secret);
    if (!data) throw new NatsConfigError(`Secret "${secret}" was not read`);
    const v = data[key];
    if (v === undefined) throw new NatsConfigError(`Secret "${secret}" has no key "${key}"`);
    return v;
  };
  const optional = (secret: string, key: string): Uint8Array | undefined =>
    secrets.get(secret)?.[key];

  const options: NodeConnectionOptions = {
    servers: settings.servers,
    name,
    // Keep reconnecting by default: a NATS restart must not end the dispatcher.
    maxReconnectAttempts: settings.maxReconnects ?? -1,
    waitOnFirstConnect: settings.retryOnFailedConnect,
  };
  if (settings.reconnectWaitMs !== undefined) options.reconnectTimeWait = settings.reconnectWaitMs;

  const authenticators: Authenticator[] = [];
  if (settings.credentialFile) {
    const { name: secret, key } = settings.credentialFile;
    authenticators.push(credsAuthenticator(value(secret, key)));
  }
  if (settings.authSecret) {
    const secret = settings.authSecret;
    if (!secrets.has(secret)) throw new NatsConfigError(`Secret "${secret}" was not read`);
    const user = optional(secret, 'user');
    const token = optional(secret, 'token');
    const seed = optional(secret, 'nkey');
    if (user)
      authenticators.push(
        usernamePasswordAuthenticator(text(user), text(value(secret, 'password'))),
      );
    else if (token) authenticators.push(tokenAuthenticator(text(token).trim()));
    else if (seed)
      authenticators.push(nkeyAuthenticator(new TextEncoder().encode(text(seed).trim())));
    else
      throw new NatsConfigError(
        `Secret "${secret}" needs user and password, token, or nkey (a seed)`,
      );
  }
  if (authenticators.length > 0) options.authenticator = authenticators;

  const tls: NonNullable<NodeConnectionOptions['tls']> = {};
  if (settings.caBundle) tls.ca = settings.caBundle;
  if (settings.caSecret) tls.ca = text(value(settings.caSecret, 'ca.crt'));
  if (settings.clientTlsSecret) {
    tls.cert = text(value(settings.clientTlsSecret, 'tls.crt'));
    tls.key = text(value(settings.clientTlsSecret, 'tls.key'));
    // A kubernetes.io/tls Secret may carry its CA too (cert-manager writes ca.crt).
    const ca = optional(settings.clientTlsSecret, 'ca.crt');
    if (ca && tls.ca === undefined) tls.ca = text(ca);
  }
  if (Object.keys(tls).length > 0) options.tls = tls;
  return options;
}
