/** A setting or Secret that cannot make a connection. */
export class NatsConfigError extends Error {
  override readonly name = 'NatsConfigError';
}

/** Secret data by Secret name: key → decoded bytes. */
export type SecretData = Map<string, Record<string, Uint8Array>>;
