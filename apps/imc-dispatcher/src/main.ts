import {
  Admission,
  admissionLimits,
  createTransport,
  logDeliveryFailures,
  observeAll,
  Sender,
  senderSettings,
  startEventReceiver,
  TriggerPrefilter,
} from '@knative-ts/delivery';
import { compileTriggerFilter } from '@knative-ts/eventfilter';
import { startEventTypeAutoCreate } from '@knative-ts/eventtype-registry';
import { createKubeClient, loadKubeConfig } from '@knative-ts/kube';
import { startApp } from '@knative-ts/runtime';
import {
  BrokerTimeouts,
  FilterMetrics,
  localTriggerDelivery,
  TriggerWatcher,
} from '@knative-ts/trigger-delivery';
import { SystemService, systemServiceHost } from '@knative-ts/types';
import { ChannelWatcher } from './channel-watcher.js';
import { dispatcherSchema } from './config.js';
import { InFlight } from './in-flight.js';
import { createIngressHandler } from './ingress.js';
import { ChannelMetrics } from '@knative-ts/delivery';
import { triggerInformer, watchTriggers } from './trigger-watch.js';

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
// One Trigger informer for the prefilter and the in-process trigger delivery.
const triggerSource =
  env.TRIGGER_PREFILTER || env.TRIGGER_DELIVERY_IN_PROCESS
    ? triggerInformer(client, log)
    : undefined;
const inProcess = env.TRIGGER_DELIVERY_IN_PROCESS
  ? {
      triggers: new TriggerWatcher({
        client,
        compileFilter: compileTriggerFilter,
        log,
        ...(triggerSource && { informer: triggerSource }),
      }),
      brokers: new BrokerTimeouts({ client, log }),
    }
  : undefined;
// broker-filter's attempts made here report as broker-filter's do.
const localDestinations =
  inProcess &&
  localTriggerDelivery({
    brokerFilterHost,
    triggers: inProcess.triggers.table,
    brokers: inProcess.brokers,
    sender: new Sender({
      ...senderSettings(env),
      transport,
      observer: observeAll(failureLog),
    }),
    metrics: new FilterMetrics({
      registry: app.registry,
      podName: env.POD_NAME,
      containerName: env.CONTAINER_NAME,
    }),
    log,
    eventTypes,
  });
const watcher = new ChannelWatcher({
  client,
  transport,
  clusterDomain: env.CLUSTER_DOMAIN,
  // Dead letters of triggers name the subscriber behind this system's broker-filter.
  brokerFilterHost,
  observer: (namespace) => observeAll(metrics.observer(namespace), failureLog),
  senderOptions: { ...senderSettings(env), ...(localDestinations && { localDestinations }) },
  log,
});
const inFlight = new InFlight();
const prefilter = env.TRIGGER_PREFILTER
  ? new TriggerPrefilter(brokerFilterHost, compileTriggerFilter)
  : undefined;
const triggers =
  prefilter &&
  watchTriggers({ client, prefilter, log, ...(triggerSource && { informer: triggerSource }) });
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
if (triggers) app.shutdown.register('trigger-watch', () => triggers.stop());
if (inProcess) {
  app.shutdown.register('in-process-triggers', () => inProcess.triggers.stop());
  app.shutdown.register('in-process-brokers', () => inProcess.brokers.stop());
  // The informer may be the prefilter's too: starting it twice is a no-op.
  inProcess.triggers.start();
  inProcess.brokers.start();
}
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
