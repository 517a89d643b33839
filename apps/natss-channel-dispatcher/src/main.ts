import {
  Admission,
  admissionLimits,
  ChannelMetrics,
  ChannelTable,
  createTransport,
  logDeliveryFailures,
  observeAll,
  senderSettings,
  startEventReceiver,
} from '@knative-ts/delivery';
import { createKubeClient, loadKubeConfig } from '@knative-ts/kube';
import { connectNats } from '@knative-ts/nats';
import { startApp } from '@knative-ts/runtime';
import { startTriggerChannelSupport } from '@knative-ts/trigger-delivery';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { JetStreamChannelConfig } from './channel-config.js';
import { dispatcherSchema } from './config.js';
import { startEventTypeAutoCreate } from '@knative-ts/eventtype-registry';
import { createIngressHandler } from './ingress.js';
import { JetStreamChannels } from './jetstream-channels.js';
import { NatsConnector } from './nats-connector.js';
import { Publisher } from './publisher.js';

// Config, logs, metrics, /healthz, /readyz and graceful shutdown come from startApp.
const app = await startApp({ name: 'natss-channel-dispatcher', schema: dispatcherSchema });
const { config: env, log } = app;
const client = createKubeClient(loadKubeConfig());
const transport = createTransport({
  localMode: env.LOCAL_MODE,
  clusterDomain: env.CLUSTER_DOMAIN,
  kube: client,
});
const metrics = new ChannelMetrics({
  registry: app.registry,
  podName: env.POD_NAME,
  containerName: env.CONTAINER_NAME,
  // eventing-natss's dispatcher (component jetstream-channel-dispatcher), as its
  // Prometheus endpoint names eventing's channel metrics.
  metricPrefix: 'jetstream_channel_dispatcher_',
});
const table = new ChannelTable<JetStreamChannelConfig>();
const failureLog = logDeliveryFailures(log);
let js: JetStreamClient | undefined;
const connector: NatsConnector = new NatsConnector({
  connect: () =>
    connectNats({
      url: env.NATS_URL,
      config: env.NATS_CONFIG,
      client,
      namespace: env.SYSTEM_NAMESPACE,
      name: 'natss-channel-dispatcher',
    }),
  onConnected: (n) => {
    js = jetstream(n.connection);
    channels.resyncAll();
  },
  log,
});
const brokerFilterHost = `broker-filter.${env.SYSTEM_NAMESPACE}.svc.${env.CLUSTER_DOMAIN}`;
const eventTypes = startEventTypeAutoCreate({
  client,
  log,
  flag: env.FEATURE_EVENTTYPE_AUTO_CREATE,
});
// Broker trigger channels: the prefilter (a Trigger whose filter rejects the event is
// settled without a request) and broker-filter's work in-process.
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
const channels = new JetStreamChannels({
  client,
  table,
  transport,
  clusterDomain: env.CLUSTER_DOMAIN,
  brokerFilterHost,
  observer: (namespace) => observeAll(metrics.observer(namespace), failureLog),
  senderOptions: { ...senderSettings(env), ...(localDestinations && { localDestinations }) },
  ...(prefilter && { prefilter }),
  nats: () => connector.current(),
  maxInFlight: env.MAX_IN_FLIGHT,
  log,
});
const publisher = new Publisher({
  jetstream: () => js,
  timeoutMs: env.PUBLISH_TIMEOUT_MS,
});
const handler = createIngressHandler({
  table,
  publisher,
  maxBodyBytes: env.MAX_BODY_BYTES,
  log,
  metrics,
  admission: new Admission(admissionLimits(env)),
  eventTypes,
});

// Closers run in reverse: stop receiving, then finish deliveries (acks), then close NATS.
app.shutdown.register('transport', () => transport.close());
app.shutdown.register('nats', () => connector.stop());
app.shutdown.register('channels', () => channels.stop());
app.shutdown.register('trigger-channel-support', () => triggerSupport.stop());
app.shutdown.register('eventtype-auto-create', () => eventTypes.stop());
connector.start();
channels.start();
app.readiness.add('channels-synced', () => channels.ready());
app.readiness.add('nats-connected', () => connector.connected());
const receiver = await startEventReceiver({
  port: env.HTTP_PORT,
  handler,
  onError: (err, req) => log.error({ err, url: req.url }, 'request handling failed'),
});
app.shutdown.register('receiver', () => receiver.close());
log.info({ port: receiver.port, localMode: env.LOCAL_MODE }, 'event receiver listening');
