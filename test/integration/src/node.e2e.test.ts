import { readFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createKubeClient, isNotFound, loadKubeConfig, type KubeObject } from '@knative-ts/kube';
import { loadExample } from './examples.js';
import { eventually, localCluster, parseEnvFile, uniqueName } from './local-cluster.js';
import {
  buildImages,
  clusterUrl,
  isReady,
  ok,
  repoRoot,
  run,
  type BuiltImages,
  type PodObject,
  type ServiceObject,
} from './node-cluster.js';

// End to end on the real node: charts/eventing installed with `helm install --wait` into a
// namespace that enforces the restricted Pod Security Standard, its apps running as pods
// from the images scripts/build-images.sh loaded, the examples of deploy/examples applied
// as written (their test services run as pods; only the PingSource schedule is made
// seconds, and the Parallel filters decide on 2-second slots), every event going pod to
// pod through Services resolved by cluster DNS. The test only posts events from this
// machine (to ClusterIPs, which it routes to the node) and reads the displays' /events.

const RELEASE = 'eventing';
const SECONDS_SCHEDULE = '*/2 * * * * *';
const slot = (time: string) => Math.round(Date.parse(time) / 2000) % 2;
const PARALLEL_FILTERS: Record<string, string> = {
  'even-filter': 'Math.round(Date.parse(event.time) / 2000) % 2 === 0',
  'odd-filter': 'Math.round(Date.parse(event.time) / 2000) % 2 !== 0',
};

type Event = Record<string, unknown> & { id?: string; data?: { message?: string } };

/** POSTs a binary-mode event; resolves with the status (0 when the connection failed). */
function postEvent(url: string, type: string, id: string, host?: string): Promise<number> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'ce-specversion': '1.0',
    'ce-id': id,
    'ce-source': '/itest/node-e2e',
    'ce-type': type,
  };
  if (host) headers['host'] = host;
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', headers, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(0));
    req.end('{"from":"node-e2e"}');
  });
}

async function events(url: string): Promise<Event[]> {
  const res = await fetch(`${url}/events`, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`GET ${url}/events: ${res.status}`);
  return (await res.json()) as Event[];
}

describe('the chart on the real node', () => {
  const cluster = localCluster();
  const client = createKubeClient(loadKubeConfig({ env: { KUBECONFIG: cluster.kubeconfig } }));
  const env = parseEnvFile(readFileSync(join(repoRoot, '.local/env'), 'utf8'));
  const hostForPods = env['HOST_FOR_PODS'] ?? '';
  const system = uniqueName('e2e-evsys');
  const exampleNamespaces: string[] = [];
  let images: BuiltImages;
  let installed = false;

  const helmInstall = (extra: string[] = []) =>
    run('helm', [
      'upgrade',
      '--install',
      RELEASE,
      'charts/eventing',
      '--namespace',
      system,
      '--take-ownership',
      '--force-conflicts',
      '--set-string',
      `kafka.bootstrapServers=${cluster.kafkaBrokers.join(',')}`,
      '--set-string',
      `nats.url=${cluster.natsUrl}`,
      '--set-string',
      `redis.url=${cluster.redisUrl}`,
      '--set-string',
      `image.registry=${images.registry}`,
      '--set-string',
      `image.tag=${images.tag}`,
      '--set-string',
      'image.pullPolicy=Never',
      '--wait',
      '--timeout',
      '5m',
      ...extra,
    ]);

  const pods = async (namespace: string) =>
    (await client.list<PodObject>({ apiVersion: 'v1', kind: 'Pod', namespace })).items;
  const svc = (namespace: string, name: string) =>
    client.get<ServiceObject>({ apiVersion: 'v1', kind: 'Service', namespace, name });
  const deployments = async () =>
    (await client.list({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: system })).items.map(
      (d) => d.metadata.name ?? '',
    );

  /** Waits until the namespace's pods are exactly one Ready pod per Deployment replica. */
  const settled = (namespace: string, want: number) =>
    eventually(
      `${want} Ready pods and nothing else in ${namespace}`,
      async () => {
        const all = await pods(namespace);
        return all.length === want && all.every(isReady) ? all : undefined;
      },
      180_000,
      1_000,
    );

  const ready = (apiVersion: string, kind: string, namespace: string, name: string) =>
    eventually(
      `${kind} ${namespace}/${name} Ready`,
      async () => {
        const o = await client.get<
          KubeObject & { status?: { conditions?: Array<{ type: string; status: string }> } }
        >({ apiVersion, kind, namespace, name });
        return o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
          ? true
          : undefined;
      },
      120_000,
    );

  /**
   * Applies the example `folder` into a new namespace as written, but for the PingSource's
   * schedule and any filter expressions given; waits for its pods.
   */
  async function runExample(folder: string, filters: Record<string, string> = {}) {
    const ns = uniqueName(`e2e-${folder}`);
    exampleNamespaces.push(ns);
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const objects = loadExample(folder).map((obj) => {
      if (obj.kind === 'PingSource') {
        const spec = obj.spec as Record<string, unknown>;
        return { ...obj, spec: { ...spec, schedule: SECONDS_SCHEDULE } };
      }
      const filter = filters[obj.metadata.name ?? ''];
      if (obj.kind !== 'Deployment' || filter === undefined) return obj;
      const d = obj as KubeObject & {
        spec: {
          template: {
            spec: { containers: Array<{ env?: Array<{ name: string; value: string }> }> };
          };
        };
      };
      const [container, ...rest] = d.spec.template.spec.containers;
      const env = (container?.env ?? []).filter((e) => e.name !== 'FILTER');
      const replaced = { ...container, env: [...env, { name: 'FILTER', value: filter }] };
      return {
        ...d,
        spec: {
          ...d.spec,
          template: {
            ...d.spec.template,
            spec: { ...d.spec.template.spec, containers: [replaced, ...rest] },
          },
        },
      };
    });
    ok(
      await run('kubectl', ['apply', '-n', ns, '-f', '-'], {
        input: objects.map((o) => JSON.stringify(o)).join('\n'),
      }),
      `kubectl apply ${folder}`,
    );
    ok(
      await run('kubectl', ['rollout', 'status', 'deployment', '-n', ns, '--timeout=180s']),
      `rollout of ${folder}'s test services`,
    );
    return ns;
  }

  beforeAll(async () => {
    images = await buildImages();
    // The restricted Pod Security Standard, enforced by the API server's admission: a pod
    // of the chart that asked for any privilege would be refused, not just reported.
    await client.create({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: system,
        labels: {
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
        },
      },
    });
  }, 240_000);

  afterAll(async () => {
    // Best effort after a failure: the examples first (the controller finalizes them).
    for (const ns of exampleNamespaces) {
      await client
        .delete({ apiVersion: 'v1', kind: 'Namespace', name: ns })
        .catch((err: unknown) => {
          if (!isNotFound(err)) throw err;
        });
    }
    if (installed)
      await run('helm', ['uninstall', RELEASE, '-n', system, '--wait', '--timeout', '90s']);
    await client
      .delete({ apiVersion: 'v1', kind: 'Namespace', name: system })
      .catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
  }, 240_000);

  it('helm install --wait succeeds with every app as a pod of its image', async () => {
    const result = await helmInstall();
    installed = true;
    ok(result, 'helm install --wait');
    const names = await deployments();
    // One Deployment per app the chart enables by default, each running its own image.
    expect(names.sort()).toEqual([
      'broker-filter',
      'broker-ingress',
      'eventing-controller',
      'imc-dispatcher',
      'ping-adapter',
    ]);
    for (const pod of await pods(system)) {
      const app = pod.metadata.labels?.['app.kubernetes.io/name'] ?? '';
      expect(pod.spec.containers.map((c) => c.image)).toEqual([images.images[app]]);
    }
  }, 360_000);

  it('every pod is Ready under the restricted securityContext, as its own ServiceAccount', async () => {
    const all = await settled(system, (await deployments()).length);
    for (const pod of all) {
      const app = pod.metadata.labels?.['app.kubernetes.io/name'];
      expect(pod.spec.serviceAccountName).toBe(app);
      expect(pod.spec.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      for (const c of pod.spec.containers) {
        expect(c.securityContext).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ['ALL'] },
        });
      }
    }
    // kubectl logs and exec reach the pods through the kubelet.
    const logs = ok(
      await run('kubectl', ['logs', '-n', system, 'deploy/imc-dispatcher']),
      'kubectl logs',
    );
    expect(logs.stdout).toContain('event receiver listening');
    const id = ok(
      await run('kubectl', [
        'exec',
        '-n',
        system,
        'deploy/imc-dispatcher',
        '--',
        'node',
        '-e',
        'console.log(process.getuid())',
      ]),
      'kubectl exec',
    );
    expect(id.stdout.trim()).toBe('1000');
  }, 240_000);

  it('sequence: a PingSource pod, three appender pods and the display, pod to pod', async () => {
    const ns = await runExample('sequence');
    const display = clusterUrl(await svc(ns, 'event-display'));
    const event = await eventually(
      'the sequence reply at the display',
      async () => (await events(display)).find((e) => e.data?.message !== undefined),
      90_000,
      1_000,
    );
    expect(event).toMatchObject({
      type: 'dev.knative.sources.ping',
      source: `/apis/v1/namespaces/${ns}/pingsources/ping-source`,
      data: { message: 'hello, world! - Handled by 0 - Handled by 1 - Handled by 2' },
    });
  }, 360_000);

  it('parallel: even and odd ticks take their own branch', async () => {
    const ns = await runExample('parallel', PARALLEL_FILTERS);
    const display = clusterUrl(await svc(ns, 'event-display'));
    const got = await eventually(
      'replies from both branches',
      async () => {
        const all = await events(display);
        const messages = new Set(all.map((e) => e.data?.message));
        return messages.has('this is even!') && messages.has('this is odd!') && all.length >= 3
          ? all
          : undefined;
      },
      90_000,
      1_000,
    );
    for (const e of got) {
      expect(e.data?.message).toBe(
        slot(String(e['time'])) === 0 ? 'this is even!' : 'this is odd!',
      );
    }
  }, 360_000);

  let brokerNs = '';
  it('broker and triggers: the type filter lets only greetings through; a subscriber on this machine gets them too', async () => {
    brokerNs = await runExample('broker-trigger');
    // A subscriber outside the cluster, at HOST_FOR_PODS (.local/env).
    const received: Array<{ headers: IncomingHttpHeaders }> = [];
    const server: Server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push({ headers: req.headers });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, hostForPods, r));
    try {
      const port = (server.address() as AddressInfo).port;
      await client.create({
        apiVersion: 'eventing.knative.dev/v1',
        kind: 'Trigger',
        metadata: { namespace: brokerNs, name: 'to-this-machine' },
        spec: { broker: 'default', subscriber: { uri: `http://${hostForPods}:${port}/` } },
      } as KubeObject);
      await ready('eventing.knative.dev/v1', 'Broker', brokerNs, 'default');
      for (const t of ['all-events', 'greetings-only', 'to-this-machine']) {
        await ready('eventing.knative.dev/v1', 'Trigger', brokerNs, t);
      }
      const ingress = clusterUrl(await svc(system, 'broker-ingress'));
      for (const type of ['dev.example.greeting', 'dev.example.farewell']) {
        expect(await postEvent(`${ingress}/${brokerNs}/default`, type, type)).toBe(202);
      }
      const all = clusterUrl(await svc(brokerNs, 'display-all'));
      const greetings = clusterUrl(await svc(brokerNs, 'display-greetings'));
      const ids = async (url: string) => (await events(url)).map((e) => e.id).sort();
      await eventually('both events at display-all', async () =>
        (await ids(all)).length === 2 ? true : undefined,
      );
      expect(await ids(all)).toEqual(['dev.example.farewell', 'dev.example.greeting']);
      expect(await ids(greetings)).toEqual(['dev.example.greeting']);
      await eventually('both events on this machine', async () =>
        received.length >= 2 ? true : undefined,
      );
      expect(received.map((r) => r.headers['ce-id']).sort()).toEqual([
        'dev.example.farewell',
        'dev.example.greeting',
      ]);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
      await client
        .delete({
          apiVersion: 'eventing.knative.dev/v1',
          kind: 'Trigger',
          namespace: brokerNs,
          name: 'to-this-machine',
        })
        .catch(() => undefined);
    }
  }, 360_000);

  it("an EventType written as v1beta2 is stored and read as v1beta3 through the chart's conversion webhook", async () => {
    // The API server converts through the eventing-webhook Service (a pod of the
    // controller) on every write and read of the other version.
    const created = await client.create({
      apiVersion: 'eventing.knative.dev/v1beta2',
      kind: 'EventType',
      metadata: { namespace: brokerNs, name: 'greeting' },
      spec: {
        type: 'dev.example.greeting',
        source: 'https://example.com/greeter',
        description: 'a greeting',
        reference: { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'default' },
      },
    } as KubeObject);
    expect(created.metadata.uid).toBeTruthy();
    const stored = await client.get<KubeObject & { spec: { attributes?: unknown[] } }>({
      apiVersion: 'eventing.knative.dev/v1beta3',
      kind: 'EventType',
      namespace: brokerNs,
      name: 'greeting',
    });
    expect(stored.spec.attributes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'type', value: 'dev.example.greeting' }),
        expect.objectContaining({ name: 'source', value: 'https://example.com/greeter' }),
      ]),
    );
    await ready('eventing.knative.dev/v1beta2', 'EventType', brokerNs, 'greeting');
  }, 120_000);

  it('a data-plane pod deleted under load is replaced, and the flow resumes', async () => {
    const ingress = `${clusterUrl(await svc(system, 'broker-ingress'))}/${brokerNs}/default`;
    const all = clusterUrl(await svc(brokerNs, 'display-all'));
    const before = (await pods(system)).find(
      (p) => p.metadata.labels?.['app.kubernetes.io/name'] === 'imc-dispatcher',
    ) as PodObject;
    const accepted: string[] = [];
    let sent = 0;
    let stop = false;
    // Four senders, one event at a time each, until told to stop.
    const senders = Array.from({ length: 4 }, async (_x, w) => {
      while (!stop) {
        const id = `load-${w}-${sent++}`;
        if ((await postEvent(ingress, 'dev.example.load', id)) === 202) accepted.push(id);
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    await eventually('events flowing', async () => (accepted.length >= 20 ? true : undefined));
    await client.delete({
      apiVersion: 'v1',
      kind: 'Pod',
      namespace: system,
      name: before.metadata.name ?? '',
    });
    const replacement = await eventually(
      'a new Ready imc-dispatcher pod',
      async () =>
        (await pods(system)).find(
          (p) =>
            p.metadata.labels?.['app.kubernetes.io/name'] === 'imc-dispatcher' &&
            p.metadata.name !== before.metadata.name &&
            isReady(p),
        ),
      120_000,
      500,
    );
    const atReplacement = accepted.length;
    await eventually('events accepted after the replacement', async () =>
      accepted.length >= atReplacement + 20 ? true : undefined,
    );
    stop = true;
    await Promise.all(senders);
    expect(replacement.metadata.name).not.toBe(before.metadata.name);
    // Every event the broker accepted, before, during and after the replacement, arrives.
    await eventually(
      `all ${accepted.length} accepted events at display-all`,
      async () => {
        const got = new Set((await events(all)).map((e) => e.id));
        return accepted.every((id) => got.has(id)) ? true : undefined;
      },
      120_000,
      1_000,
    );
    console.log(
      `node e2e: ${sent} sent, ${accepted.length} accepted (202) while imc-dispatcher was replaced; all accepted delivered`,
    );
  }, 360_000);

  it('helm upgrade rolls the pods to the new configuration and leaves no old pod behind', async () => {
    const old = new Set((await pods(system)).map((p) => p.metadata.name));
    ok(await helmInstall(['--set', 'logLevel=debug']), 'helm upgrade --wait');
    const now = await settled(system, (await deployments()).length);
    // The ConfigMap checksum changed, so every pod is new.
    expect(now.filter((p) => old.has(p.metadata.name))).toEqual([]);
    const ingress = `${clusterUrl(await svc(system, 'broker-ingress'))}/${brokerNs}/default`;
    expect(await postEvent(ingress, 'dev.example.greeting', 'after-upgrade')).toBe(202);
    const greetings = clusterUrl(await svc(brokerNs, 'display-greetings'));
    await eventually('the event after the upgrade', async () =>
      (await events(greetings)).some((e) => e.id === 'after-upgrade') ? true : undefined,
    );
  }, 360_000);

  it('helm uninstall leaves nothing of the release behind (the CRDs stay, as the chart says)', async () => {
    for (const ns of exampleNamespaces.splice(0)) {
      ok(
        await run('kubectl', ['delete', 'namespace', ns, '--wait', '--timeout=120s']),
        `deleting ${ns} (its objects are finalized by the controller)`,
      );
    }
    ok(
      await run('helm', ['uninstall', RELEASE, '-n', system, '--wait', '--timeout', '120s']),
      'helm uninstall',
    );
    installed = false;
    // Pods end their graceful shutdown after helm has deleted their Deployments: poll.
    const leftOver = () =>
      run('kubectl', [
        'get',
        'all,configmaps,serviceaccounts,roles,rolebindings,leases,endpointslices',
        '-n',
        system,
        '-o',
        'name',
        '-l',
        'app.kubernetes.io/part-of=knative-ts',
      ]).then((r) => ok(r, 'kubectl get').stdout.trim());
    const left = await eventually(
      'nothing of the release left in its namespace',
      async () => ((await leftOver()) === '' ? '' : undefined),
      90_000,
      1_000,
    ).catch(async () => leftOver());
    expect(left).toBe('');
    const clusterScoped = ok(
      await run('kubectl', ['get', 'clusterroles,clusterrolebindings', '-o', 'name']),
      'kubectl get clusterroles',
    ).stdout;
    expect(clusterScoped.split('\n').filter((n) => n.includes(`${system}-`))).toEqual([]);
    await eventually('no pod left in the system namespace', async () =>
      (await pods(system)).length === 0 ? true : undefined,
    );
    const crds = ok(await run('kubectl', ['get', 'crd', '-o', 'name']), 'kubectl get crd').stdout;
    expect(crds).toContain('brokers.eventing.knative.dev');
  }, 360_000);
});
