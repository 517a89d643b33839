import { startApp } from '@knative-ts/runtime';

// Config, logs, metrics, /healthz, /readyz and graceful shutdown; the app's own work comes later.
await startApp({ name: 'eventing-controller' });
