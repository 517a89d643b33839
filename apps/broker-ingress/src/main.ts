import {
  Admission,
  admissionLimits,
  createTransport,
  logDeliveryFailures,
  Sender,
  senderSettings,
  startEventReceiver,
} from '@knative-ts/delivery';
import { startEventTypeAutoCreate } from '@knative-ts/eventtype-registry';
import { createKubeClient, loadKubeConfig } from '@knative-ts/kube';
import { startApp } from '@knative-ts/runtime';
import { BrokerWatcher } from './broker-table.js';
import { ingressSchema } from './config.js';
import { createIngressHandler } from './ingress-handler.js';
import { IngressMetrics } from './metrics.js';

// Config, logs, metrics, /healthz, /readyz and graceful shutdown come from startApp.
const app = await startApp({ name: 'broker-ingress', schema: ingressSchema });
const { config: env, log } = app;
const client = createKubeClient(loadKubeConfig());
// Local mode: cluster addresses are resolved through the API server to local ports.
const transport = createTransport({
  localMode: env.LOCAL_MODE,
  clusterDomain: env.CLUSTER_DOMAIN,
  kube: client,
});
const metrics = new IngressMetrics({
  registry: app.registry,
  podName: env.POD_NAME,
  containerName: env.CONTAINER_NAME,
});
const brokers = new BrokerWatcher({ client, log });

// Closers run in reverse: stop receiving and drain, then stop watching, then close sockets.
app.shutdown.register('transport', () => transport.close());
app.shutdown.register('broker-watcher', () => brokers.stop());
const eventTypes = startEventTypeAutoCreate({
  client,
  log,
  flag: env.FEATURE_EVENTTYPE_AUTO_CREATE,
});
app.shutdown.register('eventtype-auto-create', () => eventTypes.stop());
brokers.start();
app.readiness.add('brokers-synced', () => brokers.ready());
const handler = createIngressHandler({
  brokers: brokers.table,
  sender: new Sender({ ...senderSettings(env), transport, observer: logDeliveryFailures(log) }),
  admission: new Admission(admissionLimits(env)),
  // Twice the dispatch deadline: the channel's subscriber legs, then its dead letters.
  forwardTimeoutMs: 2 * env.DELIVERY_DEADLINE_MS,
  maxBodyBytes: env.MAX_BODY_BYTES,
  maxTtl: env.MAX_TTL,
  metrics,
  log,
  eventTypes,
});
const onError = (err: unknown): void => log.error({ err }, 'request handling failed');
const receiver = await startEventReceiver({ port: env.HTTP_PORT, handler, onError });
app.shutdown.register('receiver', () => receiver.close());
log.info({ port: receiver.port, localMode: env.LOCAL_MODE }, 'event receiver listening');
