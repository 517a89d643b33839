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
import {
  chartEnvironment,
  renderChart,
  RELEASE,
  valuesKey,
  type ChartEnvironment,
} from '@knative-ts/local-sandbox';
import { startAppProcess, type AppProcess } from '@knative-ts/runtime/testing';
import { eventually, localCluster, uniqueName } from './local-cluster.js';

// The one way integration suites start eventing: the built apps as local processes against
// the real control plane (DESIGN.md §3), configured from charts/eventing as npm start
// installs it. The chart is rendered (`helm template`, with the sandbox's values builder)
// into a system namespace of the suite's own; its ConfigMaps and Secrets are applied there,
// and each app runs with exactly its Deployment's environment (every valueFrom resolved
// from the rendered objects: @knative-ts/local-sandbox's chartEnvironment) plus what a
// local process needs instead of a pod: KUBECONFIG, LOCAL_MODE=true, a free HTTP_PORT, an
// ADMIN_PORT of 0, and CONVERSION_WEBHOOK_PORT=0 unless the suite asks for the webhook
// (the chart's 8443 serves through the eventing-webhook Service, which nothing backs here).
// Nothing else is inherited from the test's environment. Suites choose what the chart
// offers through chart values (channel kinds, broker defaults, features, log levels); only
// what the chart has no value for comes as raw `env` or `configMaps`, and those may not
// shadow what the chart sets, so a suite cannot test a configuration the chart cannot
// install.
//
// Each data-plane Service is registered to its local port by an FQDN EndpointSlice at
// 127.0.0.1 (the API server refuses loopback IPs): cluster addresses
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

export const mainOf = (app: string): string => join(repo, 'apps', app, 'dist/main.js');

/** What a local process sets instead of its pod's value (the rest is the chart's). */
export const localOverrides = [
  'KUBECONFIG',
  'LOCAL_MODE',
  'HTTP_PORT',
  'ADMIN_PORT',
  'CONVERSION_WEBHOOK_PORT',
  'CONVERSION_WEBHOOK_URL',
] as const;

/** ping-adapter's Service in the chart (Knative's name, which the PingSource reconciler checks). */
const PingAdapterService = 'pingsource-mt-adapter';

/** The pod name an app's first process runs as; replicas get `-2`, `-3`, ... */
export const localPodName = (app: string): string => `${app}-local`;

export interface LocalEventingOptions {
  /** Prefix of the unique system namespace (default `itest-evsys`). */
  prefix?: string;
  /**
   * Chart values by dotted key, as helm --set-json takes them (charts/eventing/values.yaml):
   * e.g. {'brokerDefaults.channel': {apiVersion, kind, spec}}, {defaultChannel: {...}},
   * {logLevels: {'broker-filter': 'debug'}}, {'brokerDefaults.delivery': null}.
   */
  values?: Record<string, unknown>;
  /** `config-features` flags (chart values `features.<flag>`), e.g. {'delivery-retryafter': 'enabled'}. */
  features?: Record<string, string>;
  /**
   * ConfigMaps the chart does not render, by name: their data (e.g. a channel template a
   * Broker names in its spec.config). A ConfigMap the chart renders is refused: set its value.
   */
  configMaps?: Record<string, Record<string, string>>;
  /**
   * Extra environment for every app, for what the chart has no value for (e.g.
   * MAX_BODY_BYTES). A variable the chart sets is refused: set its chart value.
   */
  env?: Record<string, string>;
  /**
   * More channel dispatchers to run in local mode beside imc-dispatcher, each registered
   * for its Service in the system namespace (e.g. natss-channel-dispatcher); enabled in the
   * chart's values, so their environment is their Deployment's.
   */
  channelApps?: Array<{ app: string; service: string }>;
  /**
   * Also run ping-adapter (LOCAL_MODE), registered for its Service pingsource-mt-adapter
   * (its admin port), so PingSources fire; off by default.
   */
  pingAdapter?: boolean;
  /**
   * Serve the EventType conversion webhook on a free local port, with the API server
   * calling https://127.0.0.1:<port> (CONVERSION_WEBHOOK_URL). Off by default: the
   * controller then leaves the CRD's conversion alone.
   */
  conversionWebhook?: boolean;
  kubeconfig?: string;
}

/** A channel dispatcher started beside the data plane. */
export interface ChannelApp {
  port: number;
  process: AppProcess;
}

/** What every start of eventing gives, whichever apps run. */
export interface EventingSystem {
  /** The unique system namespace, i.e. every app's SYSTEM_NAMESPACE. */
  systemNamespace: string;
  client: KubeClient;
  kubeconfig: string;
  /** The chart as rendered for this system: every app's environment and ConfigMaps. */
  chart: ChartEnvironment;
  controller: AppProcess;
  /** ping-adapter, when asked for. */
  pingAdapter?: AppProcess;
  /** The extra channel dispatchers, by Service name: local event port and process. */
  channelApps: Record<string, ChannelApp>;
  /** Kills (SIGKILL by default) and restarts a channel dispatcher on the same port. */
  restartChannelApp(service: string, signal?: NodeJS.Signals): Promise<AppProcess>;
  /** Another replica of a channel dispatcher, on an event port of its own; the caller stops it. */
  startChannelReplica(service: string): Promise<ChannelApp>;
  /** Makes `http://<name>.<namespace>.svc.cluster.local` reach 127.0.0.1:<port>. */
  registerService(namespace: string, name: string, port: number): Promise<void>;
}

export interface LocalEventing extends EventingSystem {
  /** The running processes (admin port, pid, stop). */
  apps: Record<EventingApp, AppProcess>;
  /** Local event ports of the data-plane apps. */
  ports: Record<DataPlaneApp, number>;
  /** http://127.0.0.1:<broker-ingress port>/<ns>/<name>: the broker address as a test can reach it. */
  brokerUrl(namespace: string, name: string): string;
  /** The in-cluster address the controller writes into the Broker's status. */
  brokerAddress(namespace: string, name: string): string;
  /** Resident set size of an app, in bytes (its `process_resident_memory_bytes`). */
  rss(app: EventingApp): Promise<number>;
  /** SIGTERM every app (data plane first) and delete the system namespace. */
  stop(): Promise<Record<EventingApp, number | null>>;
}

// The kernel may hand a just-released port out again: two apps once got the same one.
const handedOut = new Set<number>();

/** A free TCP port on 127.0.0.1 (released at once; the app binds it right after). */
export async function freePort(): Promise<number> {
  for (;;) {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const { port } = srv.address() as { port: number };
    await new Promise<void>((r) => srv.close(() => r()));
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
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

/**
 * Deletes the namespaces (one already gone is fine); with `waitMs`, also waits until the
 * API server no longer has them, i.e. their finalizers ran, and fails after that long.
 */
export async function deleteNamespaces(
  client: KubeClient,
  names: readonly string[],
  { waitMs }: { waitMs?: number } = {},
): Promise<void> {
  const gone = (err: unknown) => {
    if (!isNotFound(err)) throw err;
    return true;
  };
  for (const name of names) {
    await client.delete({ apiVersion: 'v1', kind: 'Namespace', name }).catch(gone);
  }
  if (waitMs === undefined) return;
  await eventually(
    `namespaces ${names.join(', ')} to be deleted`,
    async () => {
      for (const name of names) {
        const deleted = await client
          .get({ apiVersion: 'v1', kind: 'Namespace', name })
          .then(() => false, gone);
        if (!deleted) return undefined;
      }
      return true;
    },
    waitMs,
  );
}

/** The chart rendered for a system namespace with a suite's values, as npm start would install it. */
export async function renderSuiteChart(
  systemNamespace: string,
  options: Pick<LocalEventingOptions, 'values' | 'features' | 'channelApps'>,
): Promise<ChartEnvironment> {
  const cluster = localCluster();
  const rendered = await renderChart({
    repo,
    release: RELEASE,
    namespace: systemNamespace,
    backends: {
      kafka: cluster.kafkaBrokers.join(','),
      nats: cluster.natsUrl,
      redis: cluster.redisUrl,
    },
    enable: (options.channelApps ?? []).map(({ app }) => valuesKey(app)),
    ...(options.features && { features: options.features }),
    // The suites install the CRDs themselves (installCrds); they hold no environment.
    values: { 'crds.install': false, ...options.values },
  });
  return chartEnvironment(rendered, { namespace: systemNamespace, podName: localPodName });
}

/** Refuses raw options that would configure what the chart configures (see the top). */
function refuseShadowing(chart: ChartEnvironment, apps: string[], options: LocalEventingOptions) {
  for (const name of Object.keys(options.configMaps ?? {})) {
    if (chart.configMaps.some((c) => c.metadata.name === name)) {
      throw new Error(
        `configMaps.${name}: the chart renders ConfigMap ${name}; set its chart value (values/features) instead`,
      );
    }
  }
  for (const variable of Object.keys(options.env ?? {})) {
    const setBy = apps.filter((app) => chart.apps[app]?.[variable] !== undefined);
    if (setBy.length > 0 || (localOverrides as readonly string[]).includes(variable)) {
      throw new Error(
        `env.${variable}: ${setBy.length > 0 ? `the chart sets it for ${setBy.join(', ')}` : 'the starter sets it'}; set its chart value (values/features) or starter option instead`,
      );
    }
  }
}

/** An app's chart environment; fails when the values leave the app out of the chart. */
function chartEnvOf(chart: ChartEnvironment, app: string): Record<string, string> {
  const env = chart.apps[app];
  if (!env) {
    throw new Error(
      `the chart renders no Deployment ${app} with these values (rendered: ${Object.keys(chart.apps).join(', ')})`,
    );
  }
  // startAppProcess learns the admin port from the info line 'admin server listening'.
  if (!['trace', 'debug', 'info'].includes(env['LOG_LEVEL'] ?? 'info')) {
    throw new Error(
      `${app}: LOG_LEVEL ${env['LOG_LEVEL']} hides the info line a local start waits for; use logLevels info, debug or trace`,
    );
  }
  return env;
}

/**
 * Starts the controller and the given data-plane apps and channel dispatchers, configured
 * from the chart; `stop()` also after a failed start. startLocalEventing and
 * startKafkaEventing are this with their sets of apps.
 */
export async function startEventing(
  options: LocalEventingOptions & { dataPlane: readonly DataPlaneApp[] },
): Promise<
  EventingSystem & {
    dataPlane: Partial<Record<DataPlaneApp, { port: number; process: AppProcess }>>;
    stop(): Promise<Record<string, number | null>>;
  }
> {
  const kubeconfig = options.kubeconfig ?? localCluster().kubeconfig;
  const client = createKubeClient(loadKubeConfig({ env: { KUBECONFIG: kubeconfig } }));
  const system = uniqueName(options.prefix ?? 'itest-evsys');
  const chart = await renderSuiteChart(system, options);
  const channelSpecs = options.channelApps ?? [];
  const appNames = [
    'eventing-controller',
    ...options.dataPlane,
    ...channelSpecs.map((c) => c.app),
    ...(options.pingAdapter ? ['ping-adapter'] : []),
  ];
  // Before anything is created: a refused configuration leaves nothing behind.
  for (const app of appNames) chartEnvOf(chart, app);
  refuseShadowing(chart, appNames, options);

  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: system } });
  const started: Array<[string, AppProcess]> = [];
  const extraStarted: AppProcess[] = [];
  const stopAll = async (): Promise<Record<string, number | null>> => {
    const codes: Record<string, number | null> = {};
    const failures: unknown[] = [];
    // An app that does not stop is SIGKILLed, and the others are still stopped: a process
    // left behind would go on reconciling (and routing) the next suites' objects.
    const stop = async (app: AppProcess): Promise<number | null> => {
      try {
        return await app.stop('SIGTERM', 20_000);
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
    await deleteNamespaces(client, [system]);
    if (failures.length > 0) {
      throw new AggregateError(failures, `${failures.length} app(s) did not stop on SIGTERM`);
    }
    return codes;
  };
  try {
    // What the chart installs into the system namespace, then the suite's own extras.
    for (const object of [...chart.configMaps, ...chart.secrets]) {
      await client.create(object as unknown as KubeObject);
    }
    for (const [name, data] of Object.entries(options.configMaps ?? {})) {
      await client.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { namespace: system, name },
        data,
      } as KubeObject);
    }

    const webhookPort = options.conversionWebhook ? await freePort() : 0;
    const envOf = (app: string, local: Record<string, string>) => ({
      ...chartEnvOf(chart, app),
      KUBECONFIG: kubeconfig,
      ...local,
      ...options.env,
    });
    const start = (app: string, env: Record<string, string>) =>
      startAppProcess(mainOf(app), env, {
        startTimeoutMs: 30_000,
        inheritEnv: false,
        nodeFlags: chart.nodeFlags[app] ?? [],
      });
    // An event-serving app: the pod's 8080 becomes a free local port, and local mode
    // resolves cluster addresses through the API server.
    const served = (app: string, port: number, extra: Record<string, string> = {}) =>
      envOf(app, { LOCAL_MODE: 'true', HTTP_PORT: String(port), ...extra });

    const ports = {} as Record<DataPlaneApp, number>;
    for (const app of options.dataPlane) {
      ports[app] = await freePort();
      await registerLocalService(client, system, app, ports[app]);
    }
    const controller = await start(
      'eventing-controller',
      envOf('eventing-controller', {
        CONVERSION_WEBHOOK_PORT: String(webhookPort),
        ...(webhookPort > 0 && { CONVERSION_WEBHOOK_URL: `https://127.0.0.1:${webhookPort}` }),
      }),
    );
    started.push(['eventing-controller', controller]);
    const dataPlane: Partial<Record<DataPlaneApp, { port: number; process: AppProcess }>> = {};
    for (const app of options.dataPlane) {
      const proc = await start(app, served(app, ports[app]));
      started.push([app, proc]);
      dataPlane[app] = { port: ports[app], process: proc };
    }

    const channelApps: Record<string, ChannelApp> = {};
    const appOf: Record<string, string> = {};
    const replicas: Record<string, number> = {};
    const startChannelApp = async (service: string, port: number, podName?: string) => {
      const app = appOf[service] ?? '';
      const proc = await start(app, served(app, port, podName ? { POD_NAME: podName } : {}));
      extraStarted.push(proc);
      return proc;
    };
    for (const { app, service } of channelSpecs) {
      const port = await freePort();
      await registerLocalService(client, system, service, port);
      appOf[service] = app;
      channelApps[service] = { port, process: await startChannelApp(service, port) };
    }
    let pingAdapter: AppProcess | undefined;
    if (options.pingAdapter) {
      // Not an event server: it sends to sinks, resolved through the API server locally.
      pingAdapter = await start('ping-adapter', envOf('ping-adapter', { LOCAL_MODE: 'true' }));
      extraStarted.push(pingAdapter);
      // The PingSource reconciler judges the adapter by its Service's ready endpoints.
      await registerLocalService(client, system, PingAdapterService, pingAdapter.port);
    }
    for (const [name, app] of [
      ...started,
      ...Object.entries(channelApps).map(([n, c]) => [n, c.process] as const),
      ...(pingAdapter ? [['ping-adapter', pingAdapter] as const] : []),
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
      chart,
      controller,
      ...(pingAdapter && { pingAdapter }),
      dataPlane,
      channelApps,
      registerService: (ns, name, port) => registerLocalService(client, ns, name, port),
      async restartChannelApp(service, signal = 'SIGKILL') {
        const current = channelApps[service];
        if (!current) throw new Error(`no channel app for Service ${service}`);
        await current.process.stop(signal, 20_000);
        extraStarted.splice(extraStarted.indexOf(current.process), 1);
        current.process = await startChannelApp(service, current.port);
        return current.process;
      },
      async startChannelReplica(service) {
        const app = appOf[service];
        if (!app) throw new Error(`no channel app for Service ${service}`);
        const n = (replicas[service] = (replicas[service] ?? 1) + 1);
        const port = await freePort();
        const proc = await startChannelApp(service, port, `${localPodName(app)}-${n}`);
        // The caller stops it; stop() still does if the caller failed to.
        return { port, process: proc };
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll().catch(() => undefined);
    throw err;
  }
}

/**
 * The eventing system locally: the controller, imc-dispatcher, broker-ingress,
 * broker-filter and any `channelApps`; call `stop()` when done.
 */
export async function startLocalEventing(
  options: LocalEventingOptions = {},
): Promise<LocalEventing> {
  const sys = await startEventing({ ...options, dataPlane: dataPlaneApps });
  const apps = { 'eventing-controller': sys.controller } as Record<EventingApp, AppProcess>;
  const ports = {} as Record<DataPlaneApp, number>;
  for (const app of dataPlaneApps) {
    const entry = sys.dataPlane[app] as { port: number; process: AppProcess };
    apps[app] = entry.process;
    ports[app] = entry.port;
  }
  const system = sys.systemNamespace;
  return {
    ...sys,
    apps,
    ports,
    brokerUrl: (ns, name) => `http://127.0.0.1:${ports['broker-ingress']}/${ns}/${name}`,
    brokerAddress: (ns, name) => `http://broker-ingress.${system}.svc.cluster.local/${ns}/${name}`,
    async rss(app) {
      const text = await (await fetch(`http://127.0.0.1:${apps[app].port}/metrics`)).text();
      const m = /^process_resident_memory_bytes (\d+(?:\.\d+)?(?:e\+\d+)?)$/m.exec(text);
      if (!m) throw new Error(`${app} exports no process_resident_memory_bytes`);
      return Number(m[1]);
    },
    stop: () => sys.stop() as Promise<Record<EventingApp, number | null>>,
  };
}
