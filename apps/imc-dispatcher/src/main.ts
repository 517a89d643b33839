import {
  Admission,
  admissionLimits,
  createTransport,
  logDeliveryFailures,
  observeAll,
  senderSettings,
  startEventReceiver,
} from '@knative-ts/delivery';
import { startEventTypeAutoCreate } from '@knative-ts/eventtype-registry';
import { createKubeClient, loadKubeConfig } from '@knative-ts/kube';
import { startApp } from '@knative-ts/runtime';
import { startTriggerChannelSupport } from '@knative-ts/trigger-delivery';
import { SystemService, systemServiceHost } from '@knative-ts/types';
import { ChannelWatcher } from './channel-watcher.js';
import { dispatcherSchema } from './config.js';
import { InFlight } from './in-flight.js';
import { createIngressHandler } from './ingress.js';
import { ChannelMetrics } from '@knative-ts/delivery';

// Config, logs, metrics, /healthz, /readyz and graceful shutdown come from startApp.
const app = await startApp({ name: 'imc-dispatcher', schema: dispatcherSchema });
const { config: env, log } = app;
const client = createKubeClient(loadKubeConfig());
// Local mode: cluster addresses are resolved through the API server to local ports.
const transport = createTransport({
  localMode: env.LOCAL_MODE,
  clusterDomain: env.CLUSTER_DOMAIN,
  kube: client,
});
const metrics = new ChannelMetrics({
  registry: app.registry,
  podName: env.POD_NAME,
  containerName: env.CONTAINER_NAME,
  // Knative's name for this dispatcher's metrics, as its dashboards query them.
  metricPrefix: 'inmemorychannel_dispatcher_',
});
const failureLog = logDeliveryFailures(log);
const brokerFilterHost = systemServiceHost(
  SystemService.BrokerFilter,
  env.SYSTEM_NAMESPACE,
  env.CLUSTER_DOMAIN,
);
const eventTypes = startEventTypeAutoCreate({
  client,
  log,
  flag: env.FEATURE_EVENTTYPE_AUTO_CREATE,
});
// Broker trigger channels: the prefilter and broker-filter's work in-process.
const triggerSupport = startTriggerChannelSupport({
  env,
  client,
  log,
  registry: app.registry,
  transport,
  brokerFilterHost,
  eventTypes,
});
const { prefilter, localDestinations } = triggerSupport;
const watcher = new ChannelWatcher({
  client,
  transport,
  clusterDomain: env.CLUSTER_DOMAIN,
  // Dead letters of triggers name the subscriber behind this system's broker-filter.
  brokerFilterHost,
  observer: (namespace) => observeAll(metrics.observer(namespace), failureLog),
  senderOptions: {
    ...senderSettings(env),
    ...(localDestinations && { localDestinations }),
  },
  log,
});
const inFlight = new InFlight();
const handler = createIngressHandler({
  table: watcher.table,
  maxBodyBytes: env.MAX_BODY_BYTES,
  log,
  metrics,
  inFlight,
  admission: new Admission(admissionLimits(env)),
  eventTypes,
  prefilter,
});

// Closers run in reverse: stop receiving and drain, then stop watching, then close sockets.
app.shutdown.register('transport', () => transport.close());
app.shutdown.register('channel-watcher', () => watcher.stop());
app.shutdown.register('eventtype-auto-create', () => eventTypes.stop());
app.shutdown.register('trigger-channel-support', () => triggerSupport.stop());
watcher.start();
app.readiness.add('channels-synced', () => watcher.ready());
// Registered before the receiver so it runs after it: async fan-outs finish last.
app.shutdown.register('async-fanouts', () => inFlight.drain());
const receiver = await startEventReceiver({
  port: env.HTTP_PORT,
  handler,
  onError: (err, req) => log.error({ err, url: req.url }, 'request handling failed'),
});
app.shutdown.register('receiver', () => receiver.close());
log.info({ port: receiver.port, localMode: env.LOCAL_MODE }, 'event receiver listening');
