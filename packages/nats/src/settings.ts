/**
 * How to reach NATS: Knative eventing-natss's `config-nats` ConfigMap, key `eventing-nats`
 * (YAML: `url`, `connOpts`, `auth.credentialFile.secret`, `auth.tls.secret`, `tls.caBundle`
 * / `tls.secret`), plus `auth.secret` naming a Secret with `user` + `password`, `token` or
 * `nkey` (a seed) for the servers that use those. Credentials only ever come from Secrets.
 * Pure: the caller hands in the YAML text and NATS_URL.
 */
import { CORE_SCHEMA, load } from 'js-yaml';

/** A Secret (in the system namespace) and the key holding the value. */
export interface SecretKey {
  name: string;
  key: string;
}

/** The parsed settings; Secrets are named, not yet read. */
export interface NatsSettings {
  servers: string[];
  maxReconnects?: number;
  retryOnFailedConnect: boolean;
  reconnectWaitMs?: number;
  /** A NATS credentials file (JWT + seed), Knative's `auth.credentialFile`. */
  credentialFile?: SecretKey;
  /** Secret of type kubernetes.io/tls (`tls.crt`, `tls.key`) for mTLS, Knative's `auth.tls`. */
  clientTlsSecret?: string;
  /** Secret with `user`+`password`, `token` or `nkey`. */
  authSecret?: string;
  /** PEM CA bundle (Knative writes it base64-encoded in `tls.caBundle`). */
  caBundle?: string;
  /** Secret with `ca.crt`, Knative's `tls.secret`. */
  caSecret?: string;
}

/** Knative's default key of a credentials file in its Secret. */
export const DEFAULT_CREDENTIALS_KEY = 'nats.creds';

/** The settings, or every reason they are malformed. */
export type SettingsResult = { ok: true; settings: NatsSettings } | { ok: false; errors: string[] };

/**
 * Reads `eventing-nats` YAML (may be empty) with NATS_URL as the fallback address; a URL
 * may list several servers separated by commas, as NATS clients accept.
 */
export function parseNatsSettings(input: { url?: string; config?: string }): SettingsResult {
  const errors: string[] = [];
  let doc: unknown = {};
  if (input.config?.trim()) {
    try {
      doc = load(input.config, { schema: CORE_SCHEMA }) ?? {};
    } catch (err) {
      return { ok: false, errors: [`eventing-nats is not YAML: ${(err as Error).message}`] };
    }
  }
  if (!isRecord(doc)) return { ok: false, errors: ['eventing-nats: expected a YAML mapping'] };
  const url = str(doc, 'url', 'eventing-nats', errors) ?? input.url ?? '';
  const servers = url
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (servers.length === 0)
    errors.push('no NATS server: set url in config-nats (key eventing-nats) or NATS_URL');
  const settings: NatsSettings = { servers, retryOnFailedConnect: false };

  const conn = record(doc, 'connOpts', 'eventing-nats', errors);
  if (conn) {
    const max = num(conn, 'maxReconnects', 'connOpts', errors);
    if (max !== undefined) settings.maxReconnects = max;
    settings.retryOnFailedConnect = conn['retryOnFailedConnect'] === true;
    const wait = num(conn, 'reconnectWaitMilliseconds', 'connOpts', errors);
    if (wait !== undefined) settings.reconnectWaitMs = wait;
  }

  const auth = record(doc, 'auth', 'eventing-nats', errors);
  if (auth) {
    const cred = record(auth, 'credentialFile', 'auth', errors);
    const credSecret = cred && record(cred, 'secret', 'auth.credentialFile', errors);
    if (credSecret) {
      const name = str(credSecret, 'name', 'auth.credentialFile.secret', errors);
      const key = str(credSecret, 'key', 'auth.credentialFile.secret', errors);
      if (name) settings.credentialFile = { name, key: key ?? DEFAULT_CREDENTIALS_KEY };
      else errors.push('auth.credentialFile.secret.name: required');
    }
    const tls = record(auth, 'tls', 'auth', errors);
    const tlsSecret = tls && secretName(tls, 'auth.tls', errors);
    if (tlsSecret) settings.clientTlsSecret = tlsSecret;
    const plain = secretName(auth, 'auth', errors);
    if (plain) settings.authSecret = plain;
  }

  const rootCa = record(doc, 'tls', 'eventing-nats', errors);
  if (rootCa) {
    const bundle = str(rootCa, 'caBundle', 'tls', errors);
    const secret = secretName(rootCa, 'tls', errors);
    if (bundle && secret) errors.push('tls: set only one of caBundle and secret');
    if (bundle) settings.caBundle = Buffer.from(bundle, 'base64').toString('utf8');
    if (secret) settings.caSecret = secret;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, settings };
}

/** The Secrets the settings name, each once. */
export function secretNames(s: NatsSettings): string[] {
  const names = [s.credentialFile?.name, s.clientTlsSecret, s.authSecret, s.caSecret];
  return [...new Set(names.filter((n): n is string => n !== undefined))];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function record(
  obj: Record<string, unknown>,
  key: string,
  at: string,
  errors: string[],
): Record<string, unknown> | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (isRecord(v)) return v;
  errors.push(`${at}.${key}: expected a mapping`);
  return undefined;
}

function str(
  obj: Record<string, unknown>,
  key: string,
  at: string,
  errors: string[],
): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') return v;
  errors.push(`${at}.${key}: expected a string`);
  return undefined;
}

function num(
  obj: Record<string, unknown>,
  key: string,
  at: string,
  errors: string[],
): number | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  errors.push(`${at}.${key}: expected a number`);
  return undefined;
}

/** `<at>.secret.name` (a LocalObjectReference). */
function secretName(
  obj: Record<string, unknown>,
  at: string,
  errors: string[],
): string | undefined {
  const ref = record(obj, 'secret', at, errors);
  if (!ref) return undefined;
  const name = str(ref, 'name', `${at}.secret`, errors);
  if (!name) errors.push(`${at}.secret.name: required`);
  return name;
}
