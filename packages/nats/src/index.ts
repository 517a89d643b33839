/**
 * @knative-ts/nats — NATS JetStream access for the eventing-controller (streams) and the
 * NatssChannel dispatcher (publish, durable consumers): Knative's config-nats settings,
 * credentials from the Secrets they name, and Go durations as eventing-natss writes them.
 */
export { NatsConfigError, type SecretData } from './config-error.js';
export {
  connectNats,
  natsConfigured,
  natsSchema,
  type Nats,
  type NatsConnectOptions,
} from './connect.js';
export { nanos, parseGoDuration } from './go-duration.js';
export { readNatsSecrets } from './secrets.js';
export {
  DEFAULT_CREDENTIALS_KEY,
  parseNatsSettings,
  secretNames,
  type NatsSettings,
  type SecretKey,
  type SettingsResult,
} from './settings.js';
