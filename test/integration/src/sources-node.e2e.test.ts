import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createKubeClient,
  isNotFound,
  loadKubeConfig,
  type KubeObject,
  type ObjectRef,
} from '@knative-ts/kube';
import { installCrds } from './crds.js';
import { loadExample } from './examples.js';
import { buildImages } from './node-cluster.js';
import { kubectl } from './kubectl.js';
import { eventually, localCluster, uniqueName } from './local-cluster.js';
import { conditionOf } from './sources-adapter.js';

// The sources end to end ON THE REAL NODE: the chart installed with the images that
// scripts/build-images.sh loaded into the node's containerd, the examples applied
// unchanged, every adapter, heartbeats source and event display a running pod, cluster
// DNS resolving every address. Needs `npm run cluster:up` with the node (containerd,
// kubelet, kube-proxy, CoreDNS, kube-scheduler) and `scripts/build-images.sh`.
// Runs after the other suites (jest.sequencer.mjs puts *.e2e.test.ts last).

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const chartDir = join(repo, 'charts/eventing');
const rbac = 'rbac.authorization.k8s.io/v1';
const POD_TIMEOUT_MS = 180_000;

function helm(args: string[]): Promise<{ code: number; out: string }> {
  const bin = [...(process.env.PATH ?? '').split(delimiter), join(repo, '.local/bin')]
    .map((d) => join(d, 'helm'))
    .find((p) => existsSync(p));
  if (!bin) throw new Error("helm not found: run 'npm run cluster:up' and 'source .local/env'");
  const env = { ...process.env, KUBECONFIG: localCluster().kubeconfig };
  return new Promise((ok, fail) => {
    const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => ok({ code: code ?? -1, out }));
  });
}

describe('sources on the real node', () => {
  const cluster = localCluster();
  const client = createKubeClient(loadKubeConfig({ env: { KUBECONFIG: cluster.kubeconfig } }));
  const system = uniqueName('e2e-src-sys');
  const namespaces: string[] = [];
  let installed = false;

  const get = <T extends KubeObject = KubeObject>(ref: ObjectRef) =>
    client.get<T>(ref).catch((err: unknown) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });
  const condition = (ref: ObjectRef, type: string, status: string, timeoutMs = POD_TIMEOUT_MS) =>
    eventually(
      `${ref.kind} ${ref.name} ${type}=${status}`,
      async () => {
        const c = conditionOf(await get(ref), type);
        return c?.status === status ? c : undefined;
      },
      timeoutMs,
      1_000,
    );
  const newNamespace = async (prefix: string) => {
    const ns = uniqueName(prefix);
    namespaces.push(ns);
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    return ns;
  };
  const apply = async (objects: KubeObject[], ns: string) => {
    for (const obj of objects) {
      await client.create({ ...obj, metadata: { ...obj.metadata, namespace: ns } });
    }
  };
  /** What the event display of `ns` printed (Knative's event_display layout). */
  const displayLog = async (ns: string, deployment = 'event-display') =>
    (await kubectl(['logs', '-n', ns, `deployment/${deployment}`, '--tail=-1'])).stdout;
  const source = (ns: string, name: string): ObjectRef => ({
    apiVersion: 'sources.knative.dev/v1',
    kind: 'ApiServerSource',
    namespace: ns,
    name,
  });

  beforeAll(async () => {
    const nodes = await client.list({ apiVersion: 'v1', kind: 'Node' });
    if (nodes.items.length === 0) {
      throw new Error("no Node is registered: start the local node with 'npm run cluster:up'");
    }
    await installCrds();
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: system } });
    const images = await buildImages();
    const result = await helm([
      'install',
      'eventing',
      chartDir,
      '--namespace',
      system,
      '--set',
      'crds.install=false',
      '--set-string',
      `image.registry=${images.registry}`,
      '--set-string',
      `image.tag=${images.tag}`,
      '--set',
      'image.pullPolicy=Never',
      '--wait',
      '--timeout',
      '5m',
    ]);
    if (result.code !== 0) throw new Error(`helm install failed:\n${result.out}`);
    installed = true;
  }, 400_000);

  afterAll(async () => {
    for (const ns of namespaces) {
      await kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']);
    }
    if (installed) await helm(['uninstall', 'eventing', '--namespace', system, '--wait']);
    await kubectl(['delete', 'namespace', system, '--wait=false', '--ignore-not-found']);
  }, 300_000);

  it('a ContainerSource running the heartbeats image delivers to an event display, and deleting it removes its Deployment', async () => {
    const ns = await newNamespace('e2e-heartbeats');
    await apply(loadExample('containersource-heartbeats'), ns);
    const cs = {
      apiVersion: 'sources.knative.dev/v1',
      kind: 'ContainerSource',
      namespace: ns,
      name: 'heartbeat-source',
    };
    // Ready follows the Deployment's real availability and the binding.
    await condition(cs, 'Ready', 'True');
    expect(conditionOf(await get(cs), 'ReceiveAdapterReady')?.status).toBe('True');
    const log = await eventually(
      'three heartbeats at the display',
      async () => {
        const text = await displayLog(ns);
        const beats = text.match(/type: dev\.knative\.eventing\.samples\.heartbeat/g) ?? [];
        return beats.length >= 3 ? text : undefined;
      },
      POD_TIMEOUT_MS,
      2_000,
    );
    expect(log).toContain(
      `source: https://knative.dev/eventing/cmd/heartbeats/#${ns}/heartbeat-source-deployment-`,
    );
    const d = await get<
      KubeObject & {
        spec: {
          template: {
            spec: { containers: Array<{ env?: Array<{ name: string; value?: string }> }> };
          };
        };
      }
    >({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: ns,
      name: 'heartbeat-source-deployment',
    });
    expect(d?.spec.template.spec.containers[0]?.env).toContainEqual({
      name: 'K_SINK',
      value: `http://event-display.${ns}.svc.cluster.local`,
    });

    await client.delete(cs);
    await eventually(
      'the heartbeats Deployment deleted',
      async () =>
        (await get({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          namespace: ns,
          name: 'heartbeat-source-deployment',
        })) === undefined
          ? true
          : undefined,
      POD_TIMEOUT_MS,
      1_000,
    );
  });

  it('the KubernetesEventSource scenario: an ApiServerSource on v1 Events, its adapter a pod running as events-sa', async () => {
    const ns = await newNamespace('e2e-k8sevents');
    await apply(loadExample('apiserversource'), ns);
    await condition(source(ns, 'testevents'), 'Ready', 'True');
    const pods = await client.list<KubeObject & { spec: { serviceAccountName?: string } }>(
      { apiVersion: 'v1', kind: 'Pod', namespace: ns },
      { labelSelector: 'eventing.knative.dev/sourceName=testevents' },
    );
    expect(pods.items.map((p) => p.spec.serviceAccountName)).toEqual(['events-sa']);
    await client.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { namespace: ns, name: 'e2e-hello' },
      involvedObject: { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: ns },
      reason: 'Hello',
      message: 'hello from the e2e suite',
      type: 'Normal',
    } as KubeObject);
    const log = await eventually(
      'the Event at the display',
      async () => {
        const text = await displayLog(ns);
        return text.includes('hello from the e2e suite') ? text : undefined;
      },
      POD_TIMEOUT_MS,
      2_000,
    );
    expect(log).toContain('type: dev.knative.apiserver.resource.add');
    expect(log).toContain(`subject: /apis/v1/namespaces/${ns}/events/e2e-hello`);
  });

  it('a source whose ServiceAccount lacks watch sees nothing; granting the Role makes it Ready without recreating it; ConfigMaps (Resource) and Pods (Reference) reach a Trigger subscriber in order', async () => {
    const ns = await newNamespace('e2e-apisrc');
    const display = loadExample('broker-trigger').filter(
      (o) => o.metadata.name === 'display-all' && (o.kind === 'Deployment' || o.kind === 'Service'),
    );
    await apply(display, ns);
    await apply(
      [
        { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'watcher' } },
        {
          apiVersion: rbac,
          kind: 'Role',
          metadata: { name: 'watch-things' },
          rules: [{ apiGroups: [''], resources: ['configmaps', 'pods'], verbs: ['get', 'list'] }],
        } as KubeObject,
        {
          apiVersion: rbac,
          kind: 'RoleBinding',
          metadata: { name: 'watcher' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'watch-things' },
          subjects: [{ kind: 'ServiceAccount', name: 'watcher', namespace: ns }],
        } as KubeObject,
        { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', metadata: { name: 'default' } },
        {
          apiVersion: 'eventing.knative.dev/v1',
          kind: 'Trigger',
          metadata: { name: 'all' },
          spec: {
            broker: 'default',
            subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name: 'display-all' } },
          },
        },
        ...(['Resource', 'Reference'] as const).map((mode) => ({
          apiVersion: 'sources.knative.dev/v1',
          kind: 'ApiServerSource',
          metadata: { name: mode.toLowerCase() },
          spec: {
            mode,
            serviceAccountName: 'watcher',
            resources: [
              mode === 'Resource'
                ? { apiVersion: 'v1', kind: 'ConfigMap', selector: { matchLabels: { e2e: 'yes' } } }
                : { apiVersion: 'v1', kind: 'Pod', selector: { matchLabels: { e2e: 'yes' } } },
            ],
            sink: {
              ref: { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'default' },
            },
          },
        })),
      ] as KubeObject[],
      ns,
    );
    const denied = await condition(
      source(ns, 'resource'),
      'SufficientPermissions',
      'False',
      60_000,
    );
    expect(denied.message).toContain('cannot watch resource "configmaps"');
    expect(
      (await client.list({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns })).items.map(
        (d) => d.metadata.name,
      ),
    ).toEqual(['display-all']);
    const uid = (await get(source(ns, 'resource')))?.metadata.uid;

    await client.patch(
      { apiVersion: rbac, kind: 'Role', namespace: ns, name: 'watch-things' },
      {
        rules: [
          { apiGroups: [''], resources: ['configmaps', 'pods'], verbs: ['get', 'list', 'watch'] },
        ],
      },
    );
    await condition(source(ns, 'resource'), 'Ready', 'True');
    await condition(source(ns, 'reference'), 'Ready', 'True');
    expect((await get(source(ns, 'resource')))?.metadata.uid).toBe(uid);

    const cm = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'e2e-cm' };
    await client.create({
      ...cm,
      metadata: { name: cm.name, namespace: ns, labels: { e2e: 'yes' } },
      data: { v: '1' },
    } as KubeObject);
    await client.patch(cm, { data: { v: '2' } });
    await client.delete(cm);
    const pod = { apiVersion: 'v1', kind: 'Pod', namespace: ns, name: 'e2e-pod' };
    await client.create({
      ...pod,
      metadata: { name: pod.name, namespace: ns, labels: { e2e: 'yes' } },
      spec: {
        containers: [
          {
            name: 'c',
            image: 'ghcr.io/knative-ts/test-services:latest',
            imagePullPolicy: 'Never',
            args: ['event-display'],
          },
        ],
      },
    } as KubeObject);
    await condition(pod, 'Ready', 'True');
    await client.delete(pod);

    const types = await eventually(
      'ConfigMap and Pod add, update and delete at the subscriber',
      async () => {
        const text = await displayLog(ns, 'display-all');
        const seen = [
          ...text.matchAll(/type: dev\.knative\.apiserver\.(resource|ref)\.(add|update|delete)/g),
        ].map((m) => `${m[1]}.${m[2]}`);
        return seen.includes('resource.delete') && seen.includes('ref.delete') ? seen : undefined;
      },
      POD_TIMEOUT_MS,
      2_000,
    );
    expect(types.filter((t) => t.startsWith('resource.'))).toEqual([
      'resource.add',
      'resource.update',
      'resource.delete',
    ]);
    const refs = types.filter((t) => t.startsWith('ref.'));
    expect(refs[0]).toBe('ref.add');
    expect(refs.at(-1)).toBe('ref.delete');
    expect(refs.slice(1, -1).every((t) => t === 'ref.update')).toBe(true);
  });

  it('a SinkBinding on a Deployment created after the binding gets its env, and its heartbeats arrive', async () => {
    const ns = await newNamespace('e2e-sinkbinding');
    await apply(
      loadExample('apiserversource').filter((o) => o.metadata.name === 'event-display'),
      ns,
    );
    await apply(
      [
        {
          apiVersion: 'sources.knative.dev/v1',
          kind: 'SinkBinding',
          metadata: { name: 'bind-heartbeats' },
          spec: {
            subject: {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              selector: { matchLabels: { app: 'my-source' } },
            },
            sink: { ref: { apiVersion: 'v1', kind: 'Service', name: 'event-display' } },
          },
        } as KubeObject,
      ],
      ns,
    );
    await apply(
      [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'my-source', labels: { app: 'my-source' } },
          spec: {
            selector: { matchLabels: { app: 'my-source' } },
            template: {
              metadata: { labels: { app: 'my-source' } },
              spec: {
                containers: [
                  {
                    name: 'heartbeats',
                    image: 'ghcr.io/knative-ts/test-services:latest',
                    imagePullPolicy: 'IfNotPresent',
                    args: ['heartbeats', '--period=1', '--label=bound'],
                  },
                ],
              },
            },
          },
        } as KubeObject,
      ],
      ns,
    );
    const log = await eventually(
      'a bound heartbeat at the display',
      async () => {
        const text = await displayLog(ns);
        return text.includes('"label": "bound"') ? text : undefined;
      },
      POD_TIMEOUT_MS,
      2_000,
    );
    expect(log).toContain('type: dev.knative.eventing.samples.heartbeat');
  });
});
