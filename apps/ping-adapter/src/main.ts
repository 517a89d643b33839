import { createTransport, logDeliveryFailures, Sender, senderSettings } from '@knative-ts/delivery';
import { createKubeClient, loadKubeConfig } from '@knative-ts/kube';
import { startApp } from '@knative-ts/runtime';
import { pingAdapterSchema } from './config.js';
import { createTickClaims } from './redis-claims.js';
import { PingScheduler } from './scheduler.js';
import { sinkSender } from './sink.js';
import { SourceWatcher } from './source-watcher.js';

// Config, logs, metrics, /healthz, /readyz and graceful shutdown come from startApp.
const app = await startApp({ name: 'ping-adapter', schema: pingAdapterSchema });
const { config: env, log } = app;
const client = createKubeClient(loadKubeConfig());
// Local mode: cluster addresses are resolved through the API server to local ports.
const transport = createTransport({
  localMode: env.LOCAL_MODE,
  clusterDomain: env.CLUSTER_DOMAIN,
  kube: client,
});
const claims = createTickClaims(env, log);
const sender = new Sender({
  ...senderSettings(env),
  transport,
  observer: logDeliveryFailures(log),
});
const scheduler = new PingScheduler({ claims, send: sinkSender(sender), log });
const watcher = new SourceWatcher({ client, scheduler, log });

// Closers run in reverse: stop watching, then stop ticking and drain sends, then close sockets.
app.shutdown.register('transport', () => transport.close());
app.shutdown.register('tick-claims', () => claims.close());
app.shutdown.register('scheduler', () => scheduler.stop());
app.shutdown.register('source-watcher', () => watcher.stop());
watcher.start();
app.readiness.add('sources-synced', () => watcher.ready());
log.info({ localMode: env.LOCAL_MODE, coordinated: env.REDIS_URL !== '' }, 'ping adapter started');
