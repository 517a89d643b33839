import { createKubeClient, loadKubeConfig } from '@knative-ts/kube';
import { connectNats, natsConfigured } from '@knative-ts/nats';
import { startApp } from '@knative-ts/runtime';
import { controllerSchema } from './config.js';
import { startControllers } from './controllers.js';
import { JetStreamStreams } from './reconcilers/natsschannel/jetstream-streams.js';

// Config, logs, metrics, /healthz, /readyz and graceful shutdown come from startApp.
const app = await startApp({ name: 'eventing-controller', schema: controllerSchema });
const { SYSTEM_NAMESPACE, CLUSTER_DOMAIN, NATS_URL, NATS_CONFIG } = app.config;
const client = createKubeClient(loadKubeConfig());
// Connected on first use: a NATS outage shows on the channels, not as a failed start.
const streams = natsConfigured(NATS_URL, NATS_CONFIG)
  ? new JetStreamStreams(() =>
      connectNats({
        url: NATS_URL,
        config: NATS_CONFIG,
        client,
        namespace: SYSTEM_NAMESPACE,
        name: 'eventing-controller',
      }),
    )
  : undefined;

const controllers = startControllers(
  {
    client,
    streams,
    systemNamespace: SYSTEM_NAMESPACE,
    clusterDomain: CLUSTER_DOMAIN,
    logger: app.log,
  },
  () => {
    // Another replica may already act on our objects: stop rather than reconcile twice.
    app.log.error({ lease: 'eventing-controller' }, 'lost leadership, exiting');
    process.exit(1);
  },
);
// Only the leader, with its caches synced, is ready; followers stay alive but not ready.
app.readiness.add('leader-and-synced', () => controllers.ready());
if (streams) app.shutdown.register('nats', () => streams.close());
app.shutdown.register('controllers', () => controllers.stop());
