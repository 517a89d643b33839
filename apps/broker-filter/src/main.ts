import {
  Admission,
  admissionLimits,
  createTransport,
  logDeliveryFailures,
  observeAll,
  Sender,
  senderSettings,
  startEventReceiver,
} from '@knative-ts/delivery';
import { compileTriggerFilter } from '@knative-ts/eventfilter';
import { startEventTypeAutoCreate } from '@knative-ts/eventtype-registry';
import { createKubeClient, loadKubeConfig } from '@knative-ts/kube';
import { startApp } from '@knative-ts/runtime';
import { BrokerTimeouts, FilterMetrics, TriggerWatcher } from '@knative-ts/trigger-delivery';
import { filterSchema } from './config.js';
import { createFilterHandler } from './filter-handler.js';

// Config, logs, metrics, /healthz, /readyz and graceful shutdown come from startApp.
const app = await startApp({ name: 'broker-filter', schema: filterSchema });
const { config: env, log } = app;
const client = createKubeClient(loadKubeConfig());
// Local mode: cluster addresses are resolved through the API server to local ports.
const transport = createTransport({
  localMode: env.LOCAL_MODE,
  clusterDomain: env.CLUSTER_DOMAIN,
  kube: client,
});
const metrics = new FilterMetrics({
  registry: app.registry,
  podName: env.POD_NAME,
  containerName: env.CONTAINER_NAME,
});
const triggers = new TriggerWatcher({ client, compileFilter: compileTriggerFilter, log });
const brokers = new BrokerTimeouts({ client, log });
const sender = new Sender({
  ...senderSettings(env),
  transport,
  observer: observeAll(logDeliveryFailures(log)),
});

// Closers run in reverse: stop receiving and drain, then stop watching, then close sockets.
app.shutdown.register('transport', () => transport.close());
app.shutdown.register('trigger-watcher', () => triggers.stop());
const eventTypes = startEventTypeAutoCreate({
  client,
  log,
  flag: env.FEATURE_EVENTTYPE_AUTO_CREATE,
});
app.shutdown.register('eventtype-auto-create', () => eventTypes.stop());
app.shutdown.register('broker-watcher', () => brokers.stop());
triggers.start();
brokers.start();
app.readiness.add('triggers-synced', () => triggers.ready());
app.readiness.add('brokers-synced', () => brokers.ready());
const handler = createFilterHandler({
  triggers: triggers.table,
  brokers,
  sender,
  admission: new Admission(admissionLimits(env)),
  maxBodyBytes: env.MAX_BODY_BYTES,
  metrics,
  log,
  eventTypes,
});
const onError = (err: unknown): void => log.error({ err }, 'request handling failed');
const receiver = await startEventReceiver({ port: env.HTTP_PORT, handler, onError });
app.shutdown.register('receiver', () => receiver.close());
log.info({ port: receiver.port, localMode: env.LOCAL_MODE }, 'event receiver listening');
