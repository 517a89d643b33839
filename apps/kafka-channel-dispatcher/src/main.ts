import {
  Admission,
  admissionLimits,
  createTransport,
  prefilteredSender,
  Sender,
  senderSettings,
  startEventReceiver,
} from '@knative-ts/delivery';
import { createKubeClient, loadKubeConfig } from '@knative-ts/kube';
import { startApp } from '@knative-ts/runtime';
import { startTriggerChannelSupport } from '@knative-ts/trigger-delivery';
import type { ChannelConfig, CompiledSubscriber } from './channel-config.js';
import { ChannelWatcher } from './channel-watcher.js';
import { dispatcherSchema } from './config.js';
import { ConsumerSet } from './consumer-set.js';
import { EventWriter } from './event-writer.js';
import { startEventTypeAutoCreate } from '@knative-ts/eventtype-registry';
import { createIngressHandler } from './ingress.js';
import { connectionFromEnv, createKafka } from './kafka-client.js';
import { KafkaChannelMetrics } from './kafka-metrics.js';
import { SharedAdmin } from './shared-admin.js';
import { SubscriberConsumer } from './subscriber-consumer.js';

// Config, logs, metrics, /healthz, /readyz and graceful shutdown come from startApp.
const app = await startApp({ name: 'kafka-channel-dispatcher', schema: dispatcherSchema });
const { config: env, log } = app;
const kafka = createKafka(connectionFromEnv(env), env.POD_NAME, log);
const client = createKubeClient(loadKubeConfig());
// Local mode: cluster addresses are resolved through the API server to local ports.
const transport = createTransport({
  localMode: env.LOCAL_MODE,
  clusterDomain: env.CLUSTER_DOMAIN,
  kube: client,
});
// Knative's Kafka data-plane names (event_count_1_total, ...), as its dashboards query them.
const metrics = new KafkaChannelMetrics({ registry: app.registry });
const admin = new SharedAdmin(kafka, log);
const writer = new EventWriter({
  newProducer: () =>
    kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false }),
  timeoutMs: env.PRODUCE_TIMEOUT_MS,
  maxPendingBytes: env.MAX_PENDING_BYTES,
  log,
});
const settings = senderSettings(env);
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
const senderFor = (channel: ChannelConfig, sub: CompiledSubscriber) => {
  const sender = new Sender({
    transport,
    observer: metrics.observer(channel, sub.name ?? sub.uid),
    brokerFilterHost,
    ...settings,
    ...(localDestinations && { localDestinations }),
  });
  return prefilter ? prefilteredSender(sender, prefilter) : sender;
};
const consumers = new ConsumerSet(
  (channel, sub, current) =>
    new SubscriberConsumer({
      kafka,
      admin,
      namespace: channel.namespace,
      channel: channel.name,
      topic: channel.topic,
      group: sub.group,
      order: channel.order,
      current,
      sender: senderFor(channel, sub),
      log,
      maxInFlight: env.UNORDERED_MAX_IN_FLIGHT,
      fetch: {
        maxBytesPerPartition: env.FETCH_MAX_BYTES_PER_PARTITION,
        maxBytes: env.FETCH_MAX_BYTES,
      },
    }),
  log,
);
const watcher = new ChannelWatcher({
  client,
  clusterDomain: env.CLUSTER_DOMAIN,
  consumers,
  log,
  onTopicDeleted: (topic) => {
    writer.forgetTopic(topic);
    admin.forgetTopic(topic);
  },
});

// Closers run in reverse: stop receiving, then the writer, consumers, watcher, sockets.
app.shutdown.register('transport', () => transport.close());
app.shutdown.register('kafka-admin', () => admin.close());
app.shutdown.register('channel-watcher', () => watcher.stop());
app.shutdown.register('trigger-channel-support', () => triggerSupport.stop());
app.shutdown.register('consumers', () => consumers.stop());
app.shutdown.register('event-writer', () => writer.close());
app.shutdown.register('eventtype-auto-create', () => eventTypes.stop());
void writer.start();
watcher.start();
app.readiness.add('channels-synced', () => watcher.ready());
app.readiness.add('kafka-connected', () => writer.isConnected());
const receiver = await startEventReceiver({
  port: env.HTTP_PORT,
  handler: createIngressHandler({
    table: watcher.table,
    synced: () => watcher.ready(),
    writer,
    admission: new Admission(admissionLimits(env)),
    maxBodyBytes: env.MAX_BODY_BYTES,
    log,
    rejected: (channel, status) => metrics.rejected(channel, status),
    eventTypes,
  }),
  onError: (err, req) => log.error({ err, url: req.url }, 'request handling failed'),
});
app.shutdown.register('receiver', () => receiver.close());
log.info({ port: receiver.port, localMode: env.LOCAL_MODE }, 'event receiver listening');
