import type { Registry } from 'prom-client';
import { startAdminServer, type AdminServer } from './admin-server.js';
import { int, oneOf, port, readConfig, type ConfigOf, type Schema } from './config.js';
import { createLogger, LOG_LEVELS, type DestinationStream, type Logger } from './logger.js';
import { createMetricsRegistry, METRICS_PROTOCOLS } from './metrics.js';
import { Readiness } from './readiness.js';
import { installShutdown, type Shutdown, type SignalSource } from './shutdown.js';

/** Variables every app reads; the same names and defaults in every app. */
export const baseSchema = {
  ADMIN_PORT: port(9090),
  LOG_LEVEL: oneOf(LOG_LEVELS, 'info'),
  SHUTDOWN_TIMEOUT_MS: int({ min: 0, default: 15_000 }),
  /**
   * `config-observability` `metrics-protocol` (the chart maps it here): `prometheus` serves
   * /metrics on the admin port, `none` turns it off. Knative's push protocols (grpc,
   * http/protobuf) are not offered: a scrape endpoint is all this runtime exports.
   */
  METRICS_PROTOCOL: oneOf(METRICS_PROTOCOLS, 'prometheus'),
};

export interface StartAppOptions<S extends Schema> {
  /** App name; becomes the `component` of every log line. */
  name: string;
  /** The app's own variables, read and validated together with the base ones. */
  schema?: S;
  env?: Record<string, string | undefined>;
  /** Injected for tests; default to the real process. */
  signals?: SignalSource;
  exit?: (code: number) => void;
  logDestination?: DestinationStream;
}

export interface App<S extends Schema> {
  config: ConfigOf<typeof baseSchema> & ConfigOf<S>;
  log: Logger;
  registry: Registry;
  readiness: Readiness;
  shutdown: Shutdown;
  admin: AdminServer;
}

/** Read config, then start logging, metrics, the admin server and signal handling. */
export async function startApp<S extends Schema = Record<never, never>>(
  opts: StartAppOptions<S>,
): Promise<App<S>> {
  const { name, env = process.env, logDestination: destination } = opts;
  let config: App<S>['config'];
  try {
    config = readConfig(env, { ...baseSchema, ...opts.schema }) as App<S>['config'];
  } catch (err) {
    // No config means no log level yet; still report the failure as a structured line.
    createLogger({ component: name, level: 'info', destination }).fatal(
      { err },
      'invalid configuration',
    );
    throw err;
  }
  const log = createLogger({ component: name, level: config.LOG_LEVEL, destination });
  const registry = createMetricsRegistry();
  const readiness = new Readiness();
  const shutdown = installShutdown({
    log,
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    signals: opts.signals,
    exit: opts.exit,
  });
  // Report not-ready as soon as shutdown begins so traffic drains away first.
  readiness.add('shutdown', () => !shutdown.started);
  const admin = await startAdminServer({
    port: config.ADMIN_PORT,
    registry,
    readiness,
    log,
    serveMetrics: config.METRICS_PROTOCOL === 'prometheus',
  });
  shutdown.register('admin-server', () => admin.close());
  log.info({ adminPort: admin.port }, 'app started');
  return { config, log, registry, readiness, shutdown, admin };
}
