export { startAdminServer, type AdminServer, type AdminServerOptions } from './admin-server.js';
export { baseSchema, startApp, type App, type StartAppOptions } from './app.js';
export {
  bool,
  int,
  oneOf,
  port,
  readConfig,
  str,
  type ConfigOf,
  type Field,
  type ParseResult,
  type Schema,
} from './config.js';
export { RuntimeError, RuntimeErrorCode } from './errors.js';
export { withDeadline } from './deadline.js';
export {
  createLogger,
  LOG_LEVELS,
  type Logger,
  type LoggerOptions,
  type LogLevel,
} from './logger.js';
export { createMetricsRegistry, Registry } from './metrics.js';
export {
  LabelledCounter,
  LabelledHistogram,
  type CounterChild,
  type HistogramChild,
} from './labelled-metrics.js';
export { labelKey, MetricChildren } from './metric-children.js';
export { Readiness, type FailingCheck, type ReadinessCheck } from './readiness.js';
export {
  installShutdown,
  type Closer,
  type Shutdown,
  type ShutdownOptions,
  type SignalSource,
} from './shutdown.js';
