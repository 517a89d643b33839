/**
 * Where the API server is and how a request proves who it is: a kubeconfig's current
 * context, or the in-cluster service account.
 *
 * Why not @kubernetes/client-node's KubeConfig: importing that package costs a process
 * about 65 MiB of RSS (26 MiB of heap, its generated API models), more than everything
 * else a data-plane app loads, and the apps only need the few fields below. It is still
 * used, loaded on demand, for what a kubeconfig can ask beyond them: `exec` credential
 * plugins and `auth-provider` (cloud logins on a developer's machine, never in a pod).
 */
import { readFileSync } from 'node:fs';
import type https from 'node:https';
import { dirname, isAbsolute, join } from 'node:path';
import { load as parseYaml } from 'js-yaml';
import { KubeError, KubeErrorCode } from './errors.js';

export interface KubeCluster {
  name: string;
  server: string;
  proxyUrl?: string;
}

/** The part of client-node's KubeConfig the client uses; both implement it. */
export interface KubeConfig {
  getCurrentCluster(): KubeCluster | null | undefined;
  /** Sets TLS material and the Authorization header on the options of one request. */
  applyToHTTPSOptions(options: https.RequestOptions): Promise<void>;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
/** client-go re-reads a projected token file about every minute: it rotates. */
const TOKEN_FILE_TTL_MS = 60_000;

type Tls = Pick<https.RequestOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized' | 'servername'>;

/** A bearer token read from a file, cached for a minute. */
class TokenFile {
  private token = '';
  private readAt = -Infinity;

  constructor(private readonly path: string) {}

  get(): string {
    const now = Date.now();
    if (now - this.readAt > TOKEN_FILE_TTL_MS) {
      this.token = readFileSync(this.path, 'utf8').trim();
      this.readAt = now;
    }
    return this.token;
  }
}

type Auth =
  | { kind: 'none' }
  | { kind: 'token'; token: string }
  | { kind: 'token-file'; file: TokenFile }
  | { kind: 'basic'; username: string; password: string };

class StaticKubeConfig implements KubeConfig {
  constructor(
    private readonly cluster: KubeCluster,
    private readonly tls: Tls,
    private readonly auth: Auth,
  ) {}

  getCurrentCluster(): KubeCluster {
    return this.cluster;
  }

  async applyToHTTPSOptions(options: https.RequestOptions): Promise<void> {
    Object.assign(options, this.tls);
    const authorization = this.authorization();
    if (authorization) options.headers = { ...options.headers, Authorization: authorization };
  }

  private authorization(): string | undefined {
    switch (this.auth.kind) {
      case 'token':
        return `Bearer ${this.auth.token}`;
      case 'token-file':
        return `Bearer ${this.auth.file.get()}`;
      case 'basic':
        return `Basic ${Buffer.from(`${this.auth.username}:${this.auth.password}`).toString('base64')}`;
      default:
        return undefined;
    }
  }
}

/** Delegates to client-node for the credentials only it knows how to get. */
class PluginKubeConfig implements KubeConfig {
  private delegate: Promise<KubeConfig> | undefined;

  constructor(
    private readonly cluster: KubeCluster,
    private readonly file: string,
  ) {}

  getCurrentCluster(): KubeCluster {
    return this.cluster;
  }

  async applyToHTTPSOptions(options: https.RequestOptions): Promise<void> {
    this.delegate ??= import('@kubernetes/client-node').then(({ KubeConfig: ClientNode }) => {
      const kc = new ClientNode();
      kc.loadFromFile(this.file);
      return kc as unknown as KubeConfig;
    });
    await (await this.delegate).applyToHTTPSOptions(options);
  }
}

function configError(message: string): KubeError {
  return new KubeError(KubeErrorCode.Config, 0, '', message, { verb: 'load-kubeconfig' });
}

/** The in-cluster service account: its token (re-read as it rotates) and the cluster CA. */
export function inClusterConfig(env: Record<string, string | undefined>): KubeConfig {
  const host = env['KUBERNETES_SERVICE_HOST'];
  const port = env['KUBERNETES_SERVICE_PORT'] ?? '443';
  if (!host) throw configError('KUBERNETES_SERVICE_HOST is not set: not running in a pod');
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return new StaticKubeConfig(
    { name: 'inCluster', server },
    { ca: readFileSync(join(SERVICE_ACCOUNT_DIR, 'ca.crt')) },
    { kind: 'token-file', file: new TokenFile(join(SERVICE_ACCOUNT_DIR, 'token')) },
  );
}

type Named<T> = Array<{ name?: string } & Record<string, T | undefined>>;

/** A kubeconfig file's current context. */
export function kubeConfigFromFile(file: string): KubeConfig {
  let doc: Record<string, unknown>;
  try {
    doc = (parseYaml(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
  } catch (err) {
    throw configError(`cannot read kubeconfig ${file}: ${(err as Error).message}`);
  }
  const pick = <T>(list: string, key: string, name: string | undefined): T => {
    const entry = ((doc[list] ?? []) as Named<T>).find((e) => e.name === name);
    const value = entry?.[key];
    if (value === undefined) {
      throw configError(`kubeconfig ${file}: no ${key} named "${name ?? ''}" in ${list}`);
    }
    return value;
  };
  const contextName = doc['current-context'] as string | undefined;
  if (!contextName) throw configError(`kubeconfig ${file} has no current-context`);
  const context = pick<Record<string, string>>('contexts', 'context', contextName);
  const cluster = pick<Record<string, unknown>>('clusters', 'cluster', context['cluster']);
  const user = context['user']
    ? pick<Record<string, unknown>>('users', 'user', context['user'])
    : {};
  const server = cluster['server'];
  if (typeof server !== 'string' || server === '') {
    throw configError(`kubeconfig ${file}: cluster "${context['cluster']}" has no server`);
  }
  const named: KubeCluster = {
    name: context['cluster'] ?? '',
    server,
    ...(typeof cluster['proxy-url'] === 'string' && { proxyUrl: cluster['proxy-url'] }),
  };
  if (user['exec'] !== undefined || user['auth-provider'] !== undefined) {
    return new PluginKubeConfig(named, file);
  }
  const base = dirname(file);
  const bytes = (dataKey: string, pathKey: string, from: Record<string, unknown>) => {
    const data = from[dataKey];
    if (typeof data === 'string') return Buffer.from(data, 'base64');
    const path = from[pathKey];
    if (typeof path === 'string') return readFileSync(isAbsolute(path) ? path : join(base, path));
    return undefined;
  };
  const tls: Tls = {};
  const ca = bytes('certificate-authority-data', 'certificate-authority', cluster);
  if (ca) tls.ca = ca;
  if (cluster['insecure-skip-tls-verify'] === true) tls.rejectUnauthorized = false;
  if (typeof cluster['tls-server-name'] === 'string') tls.servername = cluster['tls-server-name'];
  const cert = bytes('client-certificate-data', 'client-certificate', user);
  const key = bytes('client-key-data', 'client-key', user);
  if (cert) tls.cert = cert;
  if (key) tls.key = key;
  let auth: Auth = { kind: 'none' };
  if (typeof user['token'] === 'string') auth = { kind: 'token', token: user['token'] };
  else if (typeof user['tokenFile'] === 'string') {
    const path = user['tokenFile'];
    auth = { kind: 'token-file', file: new TokenFile(isAbsolute(path) ? path : join(base, path)) };
  } else if (typeof user['username'] === 'string') {
    auth = {
      kind: 'basic',
      username: user['username'],
      password: typeof user['password'] === 'string' ? user['password'] : '',
    };
  }
  return new StaticKubeConfig(named, tls, auth);
}
