import { createKubeClient, loadKubeConfig } from '@knative-ts/kube';
import { connectNats, natsConfigured } from '@knative-ts/nats';
import { startApp } from '@knative-ts/runtime';
import { controllerSchema } from './config.js';
import { startControllers } from './controllers.js';
import { startEventTypeConversion } from './conversion/start-conversion.js';
import { JetStreamStreams } from './reconcilers/natsschannel/jetstream-streams.js';

// Config, logs, metrics, /healthz, /readyz and graceful shutdown come from startApp.
const app = await startApp({ name: 'eventing-controller', schema: controllerSchema });
const { SYSTEM_NAMESPACE, CLUSTER_DOMAIN, APISERVER_RA_IMAGE, NATS_URL, NATS_CONFIG } = app.config;
const kubeConfig = loadKubeConfig();
const client = createKubeClient(kubeConfig);
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

// Every replica converts (conversion is stateless); only the leader reconciles.
if (app.config.CONVERSION_WEBHOOK_PORT > 0) {
  const stopConversion = await startEventTypeConversion({
    client,
    systemNamespace: SYSTEM_NAMESPACE,
    clusterDomain: CLUSTER_DOMAIN,
    port: app.config.CONVERSION_WEBHOOK_PORT,
    url: app.config.CONVERSION_WEBHOOK_URL,
    log: app.log,
  });
  app.shutdown.register('eventtype-conversion', stopConversion);
}

const controllers = startControllers(
  {
    client,
    streams,
    systemNamespace: SYSTEM_NAMESPACE,
    clusterDomain: CLUSTER_DOMAIN,
    logger: app.log,
    apiServerHost: kubeConfig.getCurrentCluster()?.server ?? '',
    apiServerAdapterImage: APISERVER_RA_IMAGE,
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
