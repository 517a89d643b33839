/* global fetch, process */
// The broker system as the broker benchmarks run it: the built eventing-controller,
// imc-dispatcher, broker-ingress and broker-filter as processes against the real API server
// of the local control plane (npm run cluster:up), the data plane in LOCAL_MODE, in a
// system namespace of their own (Services + FQDN EndpointSlices registering their local
// ports, the broker ConfigMaps). A bench writes only Brokers, Triggers (`subscriber.ref` to
// v1 Services) and the sinks' Services; the controller makes the trigger channels and
// Subscriptions. Every hop follows the cluster addresses the controller wrote, resolved by
// local mode (cached for 2 s) to loopback ports.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { localSlice, service } from '@knative-ts/delivery/testing';
import { createKubeClient, loadKubeConfig } from '@knative-ts/kube';
import { deleteBenchNamespaces, sweepStaleBenchNamespaces } from './bench-namespaces.mjs';
import { freePort, progress, repo, spawnApp, until, untilReady } from './harness.mjs';

const eventing = 'eventing.knative.dev/v1';
export const BENCH_TYPE = 'dev.knative-ts.bench'; // what lib/load.mjs sends
export const dataPlane = ['imc-dispatcher', 'broker-ingress', 'broker-filter'];
const say = progress('broker-system');

const configMap = (namespace, name, data) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { namespace, name },
  data,
});

/** A Service with port http/80 and the FQDN EndpointSlice registering a local port for it. */
export async function registerLocal(client, namespace, name, port) {
  await client.create(service(name, namespace));
  const slice = localSlice(name, namespace, port);
  // Not the EndpointSlice controller's: it must leave this slice alone.
  slice.metadata.labels['endpointslice.kubernetes.io/managed-by'] = 'knative-ts-bench';
  await client.create(slice);
}

/**
 * Starts the system. `extraApps` are more processes of the same apps on ports of their own
 * (not Services: a bench posts to them directly), e.g. an ingress with a feature on.
 * Returns the client, the namespaces, each app's `{ child, adminPort, httpPort }`, and
 * `stop()`, which stops the processes and deletes both namespaces.
 */
export async function startBrokerSystem({ extraApps = {} } = {}) {
  const kubeconfig = process.env.KUBECONFIG ?? join(repo, '.local/admin.kubeconfig');
  const kenv = { ...process.env, KUBECONFIG: kubeconfig };
  const client = createKubeClient(loadKubeConfig({ env: kenv }));
  const deploy = join(repo, 'deploy');
  for (const file of readdirSync(deploy).filter((f) => /^300-.+\.yaml$/.test(f))) {
    execFileSync(
      'kubectl',
      ['apply', '--server-side', '--force-conflicts', '-f', join(deploy, file)],
      { env: kenv, stdio: 'ignore' },
    );
  }
  await sweepStaleBenchNamespaces(client, { env: kenv, say });
  const stamp = Date.now().toString(36);
  const system = `bench-brsys-${stamp}`;
  const ns = `bench-br-${stamp}`;
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: system } });
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const apps = {};
  // The namespaces go first, while the controller still runs to release its finalizers.
  const stop = async () => {
    try {
      await deleteBenchNamespaces(client, [ns, system], { env: kenv, say });
    } finally {
      for (const { child } of Object.values(apps))
        if (child.exitCode === null) child.kill('SIGTERM');
    }
  };
  try {
    await client.create(
      configMap(system, 'config-br-defaults', {
        'default-br-config': [
          'clusterDefault:',
          '  brokerClass: MTChannelBasedBroker',
          '  apiVersion: v1',
          '  kind: ConfigMap',
          '  name: config-br-default-channel',
          `  namespace: ${system}`,
        ].join('\n'),
      }),
    );
    const imc = 'apiVersion: messaging.knative.dev/v1\nkind: InMemoryChannel\n';
    await client.create(
      configMap(system, 'config-br-default-channel', { 'channel-template-spec': imc }),
    );
    await client.create(
      configMap(system, 'default-ch-webhook', {
        'default-ch-config': `clusterDefault:\n  apiVersion: messaging.knative.dev/v1\n  kind: InMemoryChannel\n`,
      }),
    );
    const common = { KUBECONFIG: kubeconfig, SYSTEM_NAMESPACE: system, LOG_LEVEL: 'warn' };
    const start = async (label, name, env = {}) => {
      const adminPort = await freePort();
      const { child } = spawnApp(name, { ...common, ...env, ADMIN_PORT: String(adminPort) }, label);
      apps[label] = { child, adminPort, httpPort: Number(env.HTTP_PORT) || undefined };
    };
    await start('eventing-controller', 'eventing-controller');
    for (const name of dataPlane) {
      const httpPort = await freePort();
      await registerLocal(client, system, name, httpPort);
      await start(name, name, { HTTP_PORT: String(httpPort), LOCAL_MODE: 'true' });
    }
    for (const [label, { app, env }] of Object.entries(extraApps)) {
      const httpPort = await freePort();
      await start(label, app, { HTTP_PORT: String(httpPort), LOCAL_MODE: 'true', ...env });
    }
    for (const [name, { adminPort }] of Object.entries(apps)) await untilReady(name, adminPort);
  } catch (err) {
    await stop();
    throw err;
  }
  const ingressOrigin = `http://127.0.0.1:${apps['broker-ingress'].httpPort}`;
  return { client, ns, system, apps, ingressOrigin, stop };
}

/** A Broker and its Triggers; trigger i matches `typeOf(i)` and delivers to Service `sinkOf(i)`. */
export async function createBroker(client, ns, broker, { triggers, typeOf, sinkOf }) {
  await client.create({
    apiVersion: eventing,
    kind: 'Broker',
    metadata: { namespace: ns, name: broker },
    spec: {},
  });
  for (let i = 0; i < triggers; i++) {
    await client.create({
      apiVersion: eventing,
      kind: 'Trigger',
      metadata: { namespace: ns, name: `${broker}-${i}` },
      spec: {
        broker,
        filter: { attributes: { type: typeOf(i) } },
        subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name: sinkOf(i) } },
      },
    });
  }
}

const isReady = (o) => o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

/** Waits until `brokers` Brokers and `triggers` Triggers exist in `ns` and all are Ready. */
export async function untilAllReady(client, ns, { brokers, triggers }, timeoutMs = 120_000) {
  await until(
    `${brokers} Broker(s) and ${triggers} Trigger(s) to be Ready`,
    async () => {
      const [b, t] = await Promise.all(
        ['Broker', 'Trigger'].map((kind) =>
          client.list({ apiVersion: eventing, kind, namespace: ns }),
        ),
      );
      return (
        b.items.length === brokers &&
        b.items.every(isReady) &&
        t.items.length === triggers &&
        t.items.every(isReady)
      );
    },
    timeoutMs,
    1000,
  );
}

/** Waits until the broker's ingress answers 202 (its routes and channel are in place). */
export async function untilBrokerTakesEvents(origin, ns, broker) {
  await until(`broker ${broker} to take events`, async () => {
    const res = await fetch(`${origin}/${ns}/${broker}`, {
      method: 'POST',
      headers: {
        'ce-specversion': '1.0',
        'ce-id': 'probe',
        'ce-source': '/bench',
        'ce-type': 'probe',
      },
      body: 'probe',
    });
    return res.status === 202;
  });
}
