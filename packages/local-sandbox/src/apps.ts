/**
 * The apps the chart deploys, as the sandbox runs them: their ports, their environment
 * (what the chart's Deployments set, plus LOCAL_MODE and KUBECONFIG), and the Services in
 * the system namespace they are registered for. The table mirrors `eventing.apps` of
 * charts/eventing/templates/_helpers.tpl.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalPorts } from './endpoint-slice.js';

type Backend = 'kafka' | 'nats' | 'redis';

interface AppSpec {
  name: string;
  /** CONTAINER_NAME, a metric label (the chart's container name). */
  container: string;
  /** Serves events on HTTP_PORT (Service port http/80). */
  http: boolean;
  backends: Backend[];
  /** The chart's `<key>.enabled` value, for apps the chart disables by default. */
  chartKey?: string;
  /** The chart's Service for the app, when not named after it. */
  service?: string;
}

const APPS: AppSpec[] = [
  {
    name: 'eventing-controller',
    container: 'eventing-controller',
    http: false,
    backends: ['kafka', 'nats'],
  },
  { name: 'imc-dispatcher', container: 'imc-dispatcher', http: true, backends: ['redis'] },
  {
    name: 'kafka-channel-dispatcher',
    container: 'kafka-channel-dispatcher',
    http: true,
    backends: ['kafka', 'redis'],
    chartKey: 'kafkaChannelDispatcher',
  },
  {
    name: 'natss-channel-dispatcher',
    container: 'natss-channel-dispatcher',
    http: true,
    backends: ['nats', 'redis'],
    chartKey: 'natssChannelDispatcher',
  },
  { name: 'broker-ingress', container: 'ingress', http: true, backends: ['redis'] },
  { name: 'broker-filter', container: 'filter', http: true, backends: ['redis'] },
  // Knative's name for the adapter's Service, which the PingSource reconciler checks.
  {
    name: 'ping-adapter',
    container: 'ping-adapter',
    http: false,
    backends: ['redis'],
    service: 'pingsource-mt-adapter',
  },
];

/** Backend endpoints, as `.local/env` exports them. */
export interface Backends {
  kafka?: string;
  nats?: string;
  redis?: string;
}

const BACKEND_ENV: Record<Backend, string> = {
  kafka: 'KAFKA_BROKERS',
  nats: 'NATS_URL',
  redis: 'REDIS_URL',
};

export interface PlanOptions {
  repo: string;
  systemNamespace: string;
  kubeconfig: string;
  backends: Backends;
  /** App i gets HTTP port base+10i and admin port base+10i+1. */
  portBase: number;
  clusterDomain?: string;
  /** Whether an app is only a placeholder (default: its dist holds nothing but main.js). */
  isPlaceholder?: (distDir: string) => boolean;
  /** `config-features` `eventtype-auto-create` for the apps that receive events. */
  eventTypeAutoCreate?: string;
}

/** One app as the sandbox runs it. */
export interface AppPlan {
  name: string;
  main: string;
  env: Record<string, string>;
  adminPort: number;
  httpPort?: number;
  /** Its chart Service, registered with `ports`. */
  service: string;
  ports: LocalPorts;
  chartKey?: string;
}

/** A built app whose dist has only its main module has no work of its own yet. */
export function isPlaceholderApp(distDir: string): boolean {
  if (!existsSync(distDir)) return false;
  return readdirSync(distDir).every((file) => file.startsWith('main.'));
}

/**
 * The apps to run: every app the chart enables by default, plus the channel dispatchers it
 * disables by default once they are real (their chart value is then turned on too).
 */
export function planApps(options: PlanOptions): AppPlan[] {
  const isPlaceholder = options.isPlaceholder ?? isPlaceholderApp;
  return APPS.flatMap((spec, i) => {
    const dist = join(options.repo, 'apps', spec.name, 'dist');
    if (spec.chartKey !== undefined && isPlaceholder(dist)) return [];
    const adminPort = options.portBase + 10 * i + 1;
    const httpPort = spec.http ? options.portBase + 10 * i : undefined;
    return [
      {
        name: spec.name,
        main: join(dist, 'main.js'),
        env: appEnv(spec, options, adminPort, httpPort),
        adminPort,
        ...(httpPort !== undefined && { httpPort }),
        service: spec.service ?? spec.name,
        ports: { ...(httpPort !== undefined && { http: httpPort }), 'http-metrics': adminPort },
        ...(spec.chartKey !== undefined && { chartKey: spec.chartKey }),
      },
    ];
  });
}

function appEnv(
  spec: AppSpec,
  options: PlanOptions,
  adminPort: number,
  httpPort: number | undefined,
): Record<string, string> {
  const env: Record<string, string> = {
    KUBECONFIG: options.kubeconfig,
    SYSTEM_NAMESPACE: options.systemNamespace,
    CLUSTER_DOMAIN: options.clusterDomain ?? 'cluster.local',
    LOCAL_MODE: 'true',
    // Set explicitly: the shell may carry its own (a metric label and the replica id).
    POD_NAME: `${spec.name}-local`,
    CONTAINER_NAME: spec.container,
    ADMIN_PORT: String(adminPort),
    LOG_LEVEL: 'info',
  };
  if (httpPort !== undefined) env['HTTP_PORT'] = String(httpPort);
  if (httpPort !== undefined && options.eventTypeAutoCreate) {
    env['FEATURE_EVENTTYPE_AUTO_CREATE'] = options.eventTypeAutoCreate;
  }
  if (spec.name === 'eventing-controller') {
    // The EventType conversion webhook, which the API server reaches on loopback.
    const webhookPort = adminPort + 1;
    env['CONVERSION_WEBHOOK_PORT'] = String(webhookPort);
    env['CONVERSION_WEBHOOK_URL'] = `https://127.0.0.1:${webhookPort}`;
  }
  for (const backend of spec.backends) {
    const value = options.backends[backend];
    if (value) env[BACKEND_ENV[backend]] = value;
  }
  return env;
}
