import { createTransport } from '@knative-ts/delivery';
import { createKubeClient, loadKubeConfig } from '@knative-ts/kube';
import { startApp } from '@knative-ts/runtime';
import { startAdapter } from './adapter.js';
import { adapterSchema } from './config.js';

// Config, logs, metrics, /healthz, /readyz and graceful shutdown come from startApp.
const app = await startApp({ name: 'apiserver-adapter', schema: adapterSchema });
const { config: env, log } = app;
// Runs as the source's ServiceAccount in a cluster: RBAC bounds what it can watch.
const kubeConfig = loadKubeConfig();
const client = createKubeClient(kubeConfig);
// Local mode: cluster addresses are resolved through the API server to local ports.
const transport = createTransport({
  localMode: env.LOCAL_MODE,
  clusterDomain: env.CLUSTER_DOMAIN,
  kube: client,
});
const adapter = startAdapter({
  client,
  transport,
  registry: app.registry,
  log,
  env,
  apiServerHost: kubeConfig.getCurrentCluster()?.server ?? '',
});
// Closers run in reverse: stop watching and send what is queued, then close sockets.
app.shutdown.register('transport', () => transport.close());
app.shutdown.register('adapter', () => adapter.stop());
app.readiness.add('informers-synced', () => adapter.ready());
