import { request } from 'node:http';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { localSlice, service } from '@knative-ts/delivery/testing';
import {
  createKubeClient,
  isNotFound,
  loadKubeConfig,
  type KubeClient,
  type KubeObject,
} from '@knative-ts/kube';
import { startAppProcess, type AppProcess } from '@knative-ts/runtime/testing';
import { eventually, localCluster, uniqueName } from './local-cluster.js';

// The eventing system as local processes against the real control plane (DESIGN.md §3):
// the built eventing-controller, and imc-dispatcher, broker-ingress and broker-filter in
// LOCAL_MODE, in a system namespace of their own that holds what a cluster install has
// there: the three data-plane Services, each registered to its local port by an FQDN
// EndpointSlice at 127.0.0.1 (the API server refuses loopback IPs), and the ConfigMaps
// config-br-defaults, config-br-default-channel and default-ch-webhook. Cluster addresses
// (`<svc>.<ns>.svc.cluster.local`) then resolve to local ports exactly as DNS would in a
// cluster, so Brokers, Triggers and Subscriptions are written as Knative YAML.
//
// The controller and the data plane watch the whole cluster: suites running at the same
// time with their own system namespaces also reconcile (and route) each other's objects.

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The apps, by the name of their Service in the system namespace. */
export const dataPlaneApps = ['imc-dispatcher', 'broker-ingress', 'broker-filter'] as const;
export type DataPlaneApp = (typeof dataPlaneApps)[number];
export type EventingApp = 'eventing-controller' | DataPlaneApp;

export const mainOf = (app: EventingApp): string => join(repo, 'apps', app, 'dist/main.js');

export interface LocalEventingOptions {
  /** Prefix of the unique system namespace (default `itest-evsys`). */
  prefix?: string;
  /** `config-br-defaults` data key `default-br-config` (default: MTChannelBasedBroker, IMC). */
  brokerDefaults?: string;
  /** `config-br-default-channel` key `channel-template-spec` (default: InMemoryChannel). */
  brokerChannelTemplate?: string;
  /** `default-ch-webhook` key `default-ch-config` (default: InMemoryChannel). */
  defaultChannelConfig?: string;
  /** More ConfigMaps for the system namespace, by name: their data. */
  configMaps?: Record<string, Record<string, string>>;
  /** Extra environment for every app (e.g. LOG_LEVEL, MAX_BODY_BYTES). */
  env?: Record<string, string>;
  /**
   * More channel dispatchers to run in local mode beside imc-dispatcher, each registered
   * for its Service in the system namespace (e.g. natss-channel-dispatcher).
   */
  channelApps?: Array<{ app: string; service: string }>;
  kubeconfig?: string;
}

export interface LocalEventing {
  /** The unique system namespace, i.e. every app's SYSTEM_NAMESPACE. */
  systemNamespace: string;
  client: KubeClient;
  kubeconfig: string;
  /** The running processes (admin port, stop). */
  apps: Record<EventingApp, AppProcess>;
  /** Local event ports of the data-plane apps. */
  ports: Record<DataPlaneApp, number>;
  /** The extra channel dispatchers, by Service name: local event port and process. */
  channelApps: Record<string, { port: number; process: AppProcess }>;
  /** Kills (SIGKILL by default) and restarts a channel dispatcher on the same port. */
  restartChannelApp(service: string, signal?: NodeJS.Signals): Promise<AppProcess>;
  /** http://127.0.0.1:<broker-ingress port>/<ns>/<name>: the broker address as a test can reach it. */
  brokerUrl(namespace: string, name: string): string;
  /** The in-cluster address the controller writes into the Broker's status. */
  brokerAddress(namespace: string, name: string): string;
  /** Makes `http://<name>.<namespace>.svc.cluster.local` reach 127.0.0.1:<port>. */
  registerService(namespace: string, name: string, port: number): Promise<void>;
  /** Resident set size of an app, in bytes (its `process_resident_memory_bytes`). */
  rss(app: EventingApp): Promise<number>;
  /** SIGTERM every app (data plane first) and delete the system namespace. */
  stop(): Promise<Record<EventingApp, number | null>>;
}

const defaultBrokerDefaults = (systemNamespace: string): string =>
  [
    'clusterDefault:',
    '  brokerClass: MTChannelBasedBroker',
    '  apiVersion: v1',
    '  kind: ConfigMap',
    '  name: config-br-default-channel',
    `  namespace: ${systemNamespace}`,
  ].join('\n');
const imcTemplate = 'apiVersion: messaging.knative.dev/v1\nkind: InMemoryChannel\n';

/** A free TCP port on 127.0.0.1 (released at once; the app binds it right after). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** A Service with port http/80 and the FQDN EndpointSlice registering a local port for it. */
export async function registerLocalService(
  client: KubeClient,
  namespace: string,
  name: string,
  port: number,
): Promise<void> {
  await client.create(service(name, namespace));
  const slice = localSlice(name, namespace, port) as KubeObject & {
    metadata: { labels: Record<string, string> };
  };
  // Not the EndpointSlice controller's: it must leave this slice alone.
  slice.metadata.labels['endpointslice.kubernetes.io/managed-by'] = 'knative-ts-tests';
  await client.create(slice);
}

/** POST raw bytes with any headers (including Host, which fetch forbids). */
export function post(
  url: string,
  headers: Record<string, string>,
  body: Uint8Array | string,
  method = 'POST',
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((ok, fail) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', fail);
    req.end(body);
  });
}

const deleteNamespace = (client: KubeClient, name: string) =>
  client.delete({ apiVersion: 'v1', kind: 'Namespace', name }).catch((err: unknown) => {
    if (!isNotFound(err)) throw err;
  });

/** Starts the eventing system locally; call `stop()` when done (also after a failed start). */
export async function startLocalEventing(
  options: LocalEventingOptions = {},
): Promise<LocalEventing> {
  const kubeconfig = options.kubeconfig ?? localCluster().kubeconfig;
  const client = createKubeClient(loadKubeConfig({ env: { KUBECONFIG: kubeconfig } }));
  const system = uniqueName(options.prefix ?? 'itest-evsys');
  const configMap = (name: string, data: Record<string, string>) =>
    client.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { namespace: system, name },
      data,
    } as KubeObject);

  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: system } });
  const started: Array<[EventingApp, AppProcess]> = [];
  const extraStarted: AppProcess[] = [];
  const stopAll = async (): Promise<Record<EventingApp, number | null>> => {
    const codes = {} as Record<EventingApp, number | null>;
    const failures: unknown[] = [];
    // An app that does not stop is SIGKILLed, and the others are still stopped: a process
    // left behind would go on reconciling (and routing) the next suites' objects.
    const stop = async (app: AppProcess): Promise<number | null> => {
      try {
        return await app.stop('SIGTERM', 15_000);
      } catch (err) {
        failures.push(err);
        await app.stop('SIGKILL', 5_000).catch((killErr: unknown) => failures.push(killErr));
        return null;
      }
    };
    for (const app of extraStarted.splice(0).reverse()) await stop(app);
    // Data plane first (it may still be delivering), then the controller.
    for (const [name, app] of [...started].reverse()) codes[name] = await stop(app);
    started.length = 0;
    await deleteNamespace(client, system);
    if (failures.length > 0) {
      throw new AggregateError(failures, `${failures.length} app(s) did not stop on SIGTERM`);
    }
    return codes;
  };
  try {
    await configMap('config-br-defaults', {
      'default-br-config': options.brokerDefaults ?? defaultBrokerDefaults(system),
    });
    await configMap('config-br-default-channel', {
      'channel-template-spec': options.brokerChannelTemplate ?? imcTemplate,
    });
    await configMap('default-ch-webhook', {
      'default-ch-config':
        options.defaultChannelConfig ??
        'clusterDefault:\n  apiVersion: messaging.knative.dev/v1\n  kind: InMemoryChannel\n',
    });
    for (const [name, data] of Object.entries(options.configMaps ?? {}))
      await configMap(name, data);

    const ports = {} as Record<DataPlaneApp, number>;
    for (const app of dataPlaneApps) {
      ports[app] = await freePort();
      await registerLocalService(client, system, app, ports[app]);
    }

    const env = {
      KUBECONFIG: kubeconfig,
      SYSTEM_NAMESPACE: system,
      // startAppProcess finds the admin port in the info line 'admin server listening'.
      LOG_LEVEL: 'info',
      ...options.env,
    };
    const start = async (app: EventingApp, extra: Record<string, string> = {}) => {
      const proc = await startAppProcess(
        mainOf(app),
        { ...env, ...extra },
        { startTimeoutMs: 30_000 },
      );
      started.push([app, proc]);
      return proc;
    };
    await start('eventing-controller');
    for (const app of dataPlaneApps) {
      await start(app, { HTTP_PORT: String(ports[app]), LOCAL_MODE: 'true' });
    }
    const apps = Object.fromEntries(started) as Record<EventingApp, AppProcess>;
    const channelApps: LocalEventing['channelApps'] = {};
    const channelMain: Record<string, string> = {};
    const startChannelApp = async (service: string, port: number) => {
      const proc = await startAppProcess(
        channelMain[service] ?? '',
        { ...env, HTTP_PORT: String(port), LOCAL_MODE: 'true' },
        { startTimeoutMs: 30_000 },
      );
      extraStarted.push(proc);
      channelApps[service] = { port, process: proc };
      return proc;
    };
    for (const { app, service } of options.channelApps ?? []) {
      const port = await freePort();
      await registerLocalService(client, system, service, port);
      channelMain[service] = join(repo, 'apps', app, 'dist/main.js');
      await startChannelApp(service, port);
    }
    for (const [name, app] of [
      ...started,
      ...Object.entries(channelApps).map(([n, c]) => [n, c.process] as const),
    ]) {
      await eventually(
        `${name} to be ready`,
        async () =>
          (await fetch(`http://127.0.0.1:${app.port}/readyz`)).status === 200 ? true : undefined,
        60_000,
      );
    }

    return {
      systemNamespace: system,
      client,
      kubeconfig,
      apps,
      ports,
      brokerUrl: (ns, name) => `http://127.0.0.1:${ports['broker-ingress']}/${ns}/${name}`,
      brokerAddress: (ns, name) =>
        `http://broker-ingress.${system}.svc.cluster.local/${ns}/${name}`,
      registerService: (ns, name, port) => registerLocalService(client, ns, name, port),
      channelApps,
      async restartChannelApp(service, signal = 'SIGKILL') {
        const current = channelApps[service];
        if (!current) throw new Error(`no channel app for Service ${service}`);
        await current.process.stop(signal, 15_000);
        extraStarted.splice(extraStarted.indexOf(current.process), 1);
        return startChannelApp(service, current.port);
      },
      async rss(app) {
        const text = await (await fetch(`http://127.0.0.1:${apps[app].port}/metrics`)).text();
        const m = /^process_resident_memory_bytes (\d+(?:\.\d+)?(?:e\+\d+)?)$/m.exec(text);
        if (!m) throw new Error(`${app} exports no process_resident_memory_bytes`);
        return Number(m[1]);
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll().catch(() => undefined);
    throw err;
  }
}
