import { startEventServer, type EventServer } from '@knative-ts/delivery/testing';
import { isNotFound, type KubeObject, type ObjectRef } from '@knative-ts/kube';
import type { AppProcess } from '@knative-ts/runtime/testing';
import { startTestService, type TestServiceProcess } from '@knative-ts/test-services/testing';
import { installCrds } from './crds.js';
import { loadExample } from './examples.js';
import { eventually, uniqueName } from './local-cluster.js';
import { startLocalEventing, type LocalEventing } from './local-eventing.js';
import {
  adapterDeployment,
  conditionOf,
  podEnv,
  startAdapterFrom,
  type Deployment,
} from './sources-adapter.js';

// ApiServerSource, SinkBinding and ContainerSource against the real API server and
// kube-controller-manager (garbage collection, CronJobs), with the built controller and
// data plane as local processes (local-eventing.ts). No kubelet runs here, so adapters and
// heartbeats are not pods: the adapter runs as a local process from the exact Deployment
// the controller wrote; what needs running pods is in sources-node.e2e.ts.

const src = (namespace: string, name: string): ObjectRef => ({
  apiVersion: 'sources.knative.dev/v1',
  kind: 'ApiServerSource',
  namespace,
  name,
});
const rbac = 'rbac.authorization.k8s.io/v1';

describe('sources on the real control plane', () => {
  let sys: LocalEventing;
  const namespaces: string[] = [];
  const adapters: AppProcess[] = [];
  const servers: EventServer[] = [];
  const services: TestServiceProcess[] = [];

  const newNamespace = async (prefix: string): Promise<string> => {
    const ns = uniqueName(prefix);
    namespaces.push(ns);
    await sys.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    return ns;
  };
  const create = (obj: object, namespace: string) =>
    sys.client.create({
      ...(obj as KubeObject),
      metadata: { ...(obj as KubeObject).metadata, namespace },
    });
  const get = <T extends KubeObject = KubeObject>(ref: ObjectRef) =>
    sys.client.get<T>(ref).catch((err: unknown) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });
  const condition = async (ref: ObjectRef, type: string, status: string) =>
    eventually(`${ref.kind} ${ref.name} ${type}=${status}`, async () => {
      const c = conditionOf(await get(ref), type);
      return c?.status === status ? c : undefined;
    });
  const brokerReady = (ns: string) =>
    condition(
      { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', namespace: ns, name: 'default' },
      'Ready',
      'True',
    );
  /** A Trigger on Broker `default` for events with `kind` = `kind`, to a local event server. */
  const subscriber = async (ns: string, kind: string): Promise<EventServer> => {
    const server = await startEventServer();
    servers.push(server);
    const name = `${kind.toLowerCase()}-subscriber`;
    await sys.registerService(ns, name, server.port);
    await create(
      {
        apiVersion: 'eventing.knative.dev/v1',
        kind: 'Trigger',
        metadata: { name: `${kind.toLowerCase()}-events` },
        spec: {
          broker: 'default',
          filter: { attributes: { kind } },
          subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name } },
        },
      },
      ns,
    );
    await condition(
      {
        apiVersion: 'eventing.knative.dev/v1',
        kind: 'Trigger',
        namespace: ns,
        name: `${kind.toLowerCase()}-events`,
      },
      'Ready',
      'True',
    );
    return server;
  };
  const received = (server: EventServer) =>
    server.requests.map((r) => ({
      type: String(r.headers['ce-type']),
      subject: String(r.headers['ce-subject']),
      name: String(r.headers['ce-name']),
      data: JSON.parse(Buffer.from(r.body).toString()) as Record<string, unknown>,
    }));

  beforeAll(async () => {
    await installCrds();
    sys = await startLocalEventing({ prefix: 'itest-src-sys' });
  }, 120_000);

  afterAll(async () => {
    for (const a of adapters) await a.stop('SIGTERM', 10_000);
    for (const s of servers) await s.close();
    for (const s of services) await s.stop();
    for (const ns of namespaces) {
      await sys.client.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }).catch(() => {
        // Best effort: the namespace may already be going.
      });
    }
    await sys?.stop();
  }, 60_000);

  describe('ApiServerSource', () => {
    let ns: string;
    let cmEvents: EventServer;
    let podEvents: EventServer;

    beforeAll(async () => {
      ns = await newNamespace('itest-apisrc');
      await create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'watcher' } }, ns);
      // get and list, but not watch: the adapter could not follow changes.
      await create(
        {
          apiVersion: rbac,
          kind: 'Role',
          metadata: { name: 'watch-things' },
          rules: [{ apiGroups: [''], resources: ['configmaps', 'pods'], verbs: ['get', 'list'] }],
        },
        ns,
      );
      await create(
        {
          apiVersion: rbac,
          kind: 'RoleBinding',
          metadata: { name: 'watcher-watch-things' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'watch-things' },
          subjects: [{ kind: 'ServiceAccount', name: 'watcher', namespace: ns }],
        },
        ns,
      );
      await create(
        { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', metadata: { name: 'default' } },
        ns,
      );
      await brokerReady(ns);
      cmEvents = await subscriber(ns, 'ConfigMap');
      podEvents = await subscriber(ns, 'Pod');
      const sink = {
        ref: { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'default' },
      };
      for (const [name, mode, kind, selector] of [
        ['configmaps', 'Resource', 'ConfigMap', { matchLabels: { watched: 'yes' } }],
        ['pods', 'Reference', 'Pod', undefined],
      ] as const) {
        await create(
          {
            apiVersion: 'sources.knative.dev/v1',
            kind: 'ApiServerSource',
            metadata: { name },
            spec: {
              mode,
              serviceAccountName: 'watcher',
              resources: [{ apiVersion: 'v1', kind, ...(selector && { selector }) }],
              sink,
            },
          },
          ns,
        );
      }
    }, 120_000);

    it('is SufficientPermissions=False naming the missing verb, and runs no adapter', async () => {
      const c = await condition(src(ns, 'configmaps'), 'SufficientPermissions', 'False');
      expect(c).toMatchObject({
        reason: 'InsufficientPermissions',
        message: `User system:serviceaccount:${ns}:watcher cannot watch resource "configmaps" in API group "" in Namespace "${ns}"`,
      });
      expect(conditionOf(await get(src(ns, 'configmaps')), 'Ready')?.status).toBe('False');
      const deployments = await sys.client.list({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: ns,
      });
      expect(deployments.items).toEqual([]);
    });

    it('becomes SufficientPermissions=True once the Role grants watch, without being recreated', async () => {
      const before = await get(src(ns, 'configmaps'));
      await sys.client.patch(
        { apiVersion: rbac, kind: 'Role', namespace: ns, name: 'watch-things' },
        {
          rules: [
            { apiGroups: [''], resources: ['configmaps', 'pods'], verbs: ['get', 'list', 'watch'] },
          ],
        },
      );
      await condition(src(ns, 'configmaps'), 'SufficientPermissions', 'True');
      const after = await get(src(ns, 'configmaps'));
      expect(after?.metadata.uid).toBe(before?.metadata.uid);
      expect(after?.metadata.creationTimestamp).toBe(before?.metadata.creationTimestamp);
      // Deployed reflects the Deployment; without a kubelet it never becomes available.
      expect(conditionOf(after, 'SinkProvided')?.status).toBe('True');
      expect((after?.status as { sinkUri?: string }).sinkUri).toBe(
        sys.brokerAddress(ns, 'default'),
      );
    });

    it('runs one adapter Deployment per source, as the source ServiceAccount', async () => {
      const d = await adapterDeployment(sys.client, ns, 'configmaps');
      const source = await get(src(ns, 'configmaps'));
      expect(d.metadata.ownerReferences).toEqual([
        expect.objectContaining({
          kind: 'ApiServerSource',
          uid: source?.metadata.uid,
          controller: true,
        }),
      ]);
      expect(d.metadata.name).toBe(`apiserversource-configmaps-${source?.metadata.uid ?? ''}`);
      expect(d.spec.template.spec.serviceAccountName).toBe('watcher');
      // The chart's image for it (APISERVER_RA_IMAGE of the controller's Deployment).
      expect(d.spec.template.spec.containers[0]?.image).toBe(
        sys.chart.apps['eventing-controller']?.['APISERVER_RA_IMAGE'],
      );
      expect(d.spec.template.spec.containers[0]?.image).toMatch(
        /^ghcr\.io\/knative-ts\/apiserver-adapter:/,
      );
      const env = podEnv(d);
      expect(env['K_SINK']).toBe(sys.brokerAddress(ns, 'default'));
      expect(JSON.parse(env['K_SOURCE_CONFIG'] ?? '{}')).toMatchObject({
        namespaces: [ns],
        mode: 'Resource',
        resources: [
          { gvr: { Group: '', Version: 'v1', Resource: 'configmaps' }, selector: 'watched=yes' },
        ],
      });
      const status = (await get(src(ns, 'configmaps')))?.status as {
        ceAttributes?: Array<{ type: string }>;
        namespaces?: string[];
      };
      expect(status.namespaces).toEqual([ns]);
      expect(status.ceAttributes?.map((a) => a.type)).toEqual([
        'dev.knative.apiserver.resource.add',
        'dev.knative.apiserver.resource.update',
        'dev.knative.apiserver.resource.delete',
      ]);
    });

    it('delivers ConfigMap add, update and delete (Resource mode) in order through a Broker to a Trigger subscriber', async () => {
      adapters.push(
        await startAdapterFrom(
          await adapterDeployment(sys.client, ns, 'configmaps'),
          sys.kubeconfig,
        ),
      );
      const cm = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'watched-cm' };
      await create(
        { ...cm, metadata: { name: cm.name, labels: { watched: 'yes' } }, data: { v: '1' } },
        ns,
      );
      await create({ ...cm, metadata: { name: 'not-watched' }, data: { v: '1' } }, ns);
      await sys.client.patch(cm, { data: { v: '2' } });
      await sys.client.delete(cm);
      await eventually(
        'three ConfigMap events',
        async () => cmEvents.requests.length >= 3 || undefined,
      );
      await new Promise((r) => setTimeout(r, 500));
      const got = received(cmEvents);
      expect(got.map((e) => e.type)).toEqual([
        'dev.knative.apiserver.resource.add',
        'dev.knative.apiserver.resource.update',
        'dev.knative.apiserver.resource.delete',
      ]);
      for (const e of got) {
        expect(e.subject).toBe(`/apis/v1/namespaces/${ns}/configmaps/watched-cm`);
        expect(e.name).toBe('watched-cm');
        expect(e.data).toMatchObject({
          kind: 'ConfigMap',
          metadata: { name: 'watched-cm', namespace: ns },
        });
      }
      expect(got.map((e) => (e.data['data'] as { v: string }).v)).toEqual(['1', '2', '2']);
      // Knative's source: the API server URL the adapter talks to (loopback, or the
      // address pods reach it at once the node is up).
      expect(cmEvents.requests[0]?.headers['ce-source']).toMatch(/^https:\/\/[0-9.]+:\d+$/);
    });

    it('does not replay existing objects as adds when the adapter restarts', async () => {
      const kept = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'kept-cm' };
      await create({ ...kept, metadata: { name: kept.name, labels: { watched: 'yes' } } }, ns);
      await eventually(
        'the add of kept-cm',
        async () => received(cmEvents).some((e) => e.name === 'kept-cm') || undefined,
      );
      const running = adapters.pop();
      expect(await running?.stop('SIGTERM', 10_000)).toBe(0);
      const before = cmEvents.requests.length;
      const deployment = await adapterDeployment(sys.client, ns, 'configmaps');
      adapters.push(await startAdapterFrom(deployment, sys.kubeconfig));
      const next = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'after-restart' };
      await create({ ...next, metadata: { name: next.name, labels: { watched: 'yes' } } }, ns);
      await eventually(
        'the add of after-restart',
        async () => received(cmEvents).some((e) => e.name === 'after-restart') || undefined,
      );
      const since = received(cmEvents).slice(before);
      expect(since.map((e) => `${e.type} ${e.name}`)).toEqual([
        'dev.knative.apiserver.resource.add after-restart',
      ]);
    });

    it('delivers Pod add, update and delete (Reference mode) in order', async () => {
      await condition(src(ns, 'pods'), 'SufficientPermissions', 'True');
      adapters.push(
        await startAdapterFrom(await adapterDeployment(sys.client, ns, 'pods'), sys.kubeconfig),
      );
      const pod = { apiVersion: 'v1', kind: 'Pod', namespace: ns, name: 'watched-pod' };
      await create(
        { ...pod, metadata: { name: pod.name }, spec: { containers: [{ name: 'c', image: 'x' }] } },
        ns,
      );
      await sys.client.patch(pod, { metadata: { labels: { touched: 'yes' } } });
      // Never scheduled (no kubelet here), so the API server deletes it at once.
      await sys.client.delete(pod);
      await eventually(
        'a Pod delete event',
        async () => received(podEvents).some((e) => e.type.endsWith('.delete')) || undefined,
      );
      const got = received(podEvents);
      const types = got.map((e) => e.type.replace('dev.knative.apiserver.ref.', ''));
      expect(types[0]).toBe('add');
      expect(types.at(-1)).toBe('delete');
      expect(types).toContain('update');
      expect([...types].sort((a, b) => order(a) - order(b))).toEqual(types);
      for (const e of got) {
        expect(e.data).toEqual({
          apiVersion: 'v1',
          kind: 'Pod',
          name: 'watched-pod',
          namespace: ns,
        });
        expect(e.subject).toBe(`/apis/v1/namespaces/${ns}/pods/watched-pod`);
      }
    });
  });

  it('runs the KubernetesEventSource scenario as an ApiServerSource on v1 Events (deploy/examples/apiserversource)', async () => {
    const ns = await newNamespace('itest-k8sevents');
    const display = await startTestService('event-display');
    services.push(display);
    for (const obj of loadExample('apiserversource')) {
      if (obj.kind === 'Deployment') continue;
      await create(obj, ns);
      if (obj.kind === 'Service') {
        const { localSlice } = await import('@knative-ts/delivery/testing');
        await sys.client.create(localSlice('event-display', ns, display.port));
      }
    }
    await condition(src(ns, 'testevents'), 'SufficientPermissions', 'True');
    adapters.push(
      await startAdapterFrom(await adapterDeployment(sys.client, ns, 'testevents'), sys.kubeconfig),
    );
    await sys.client.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { namespace: ns, name: 'hello-event' },
      involvedObject: { apiVersion: 'v1', kind: 'ConfigMap', name: 'anything', namespace: ns },
      reason: 'Hello',
      message: 'hello from the test',
      type: 'Normal',
    } as KubeObject);
    const event = await eventually('the Event at the display', async () =>
      (await display.events()).find(
        (e) => e['type'] === 'dev.knative.apiserver.resource.add' && e['name'] === 'hello-event',
      ),
    );
    expect(event).toMatchObject({
      kind: 'Event',
      namespace: ns,
      subject: `/apis/v1/namespaces/${ns}/events/hello-event`,
      data: { reason: 'Hello', message: 'hello from the test' },
    });
  });

  describe('SinkBinding', () => {
    const sbRef = (ns: string, name: string): ObjectRef => ({
      apiVersion: 'sources.knative.dev/v1',
      kind: 'SinkBinding',
      namespace: ns,
      name,
    });
    const envOf = (d: Deployment | undefined) =>
      Object.fromEntries(
        (d?.spec.template.spec.containers[0]?.env ?? []).map((e) => [e.name, e.value ?? '']),
      );

    it('injects K_SINK into a Deployment created after the binding, and removes it when the binding goes', async () => {
      const ns = await newNamespace('itest-sinkbind');
      await sys.registerService(ns, 'display', 9);
      await create(
        {
          apiVersion: 'sources.knative.dev/v1',
          kind: 'SinkBinding',
          metadata: { name: 'bind-app' },
          spec: {
            subject: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'late-app' },
            sink: { ref: { apiVersion: 'v1', kind: 'Service', name: 'display' } },
            ceOverrides: { extensions: { team: 'blue' } },
          },
        },
        ns,
      );
      const missing = await condition(sbRef(ns, 'bind-app'), 'SinkBindingAvailable', 'False');
      expect(missing.reason).toBe('SubjectMissing');
      const app = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'late-app' };
      await create(
        {
          ...app,
          metadata: { name: app.name },
          spec: {
            selector: { matchLabels: { app: 'late' } },
            template: {
              metadata: { labels: { app: 'late' } },
              spec: {
                containers: [{ name: 'main', image: 'x', env: [{ name: 'OWN', value: '1' }] }],
              },
            },
          },
        },
        ns,
      );
      const bound = await eventually('K_SINK in late-app', async () => {
        const d = await get<Deployment>(app);
        return envOf(d)['K_SINK'] ? d : undefined;
      });
      expect(envOf(bound)).toEqual({
        OWN: '1',
        K_SINK: `http://display.${ns}.svc.cluster.local`,
        K_CE_OVERRIDES: '{"extensions":{"team":"blue"}}',
      });
      await condition(sbRef(ns, 'bind-app'), 'Ready', 'True');
      expect(((await get(sbRef(ns, 'bind-app')))?.status as { sinkUri?: string }).sinkUri).toBe(
        `http://display.${ns}.svc.cluster.local`,
      );

      await sys.client.delete(sbRef(ns, 'bind-app'));
      await eventually('K_SINK gone from late-app', async () =>
        envOf(await get<Deployment>(app))['K_SINK'] === undefined ? true : undefined,
      );
      expect(envOf(await get<Deployment>(app))).toEqual({ OWN: '1' });
      await eventually('the binding deleted', async () =>
        (await get(sbRef(ns, 'bind-app'))) === undefined ? true : undefined,
      );
    });

    it('binds your own source: the CronJob of deploy/examples/sinkbinding gets K_SINK in its job template', async () => {
      const ns = await newNamespace('itest-sbcron');
      for (const obj of loadExample('sinkbinding')) {
        if (obj.kind !== 'Deployment') await create(obj, ns);
      }
      await condition(sbRef(ns, 'bind-heartbeat'), 'Ready', 'True');
      const cron = {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        namespace: ns,
        name: 'heartbeat-cron',
      };
      type CronJob = KubeObject & {
        spec: {
          jobTemplate: { spec: { template: { spec: Deployment['spec']['template']['spec'] } } };
        };
      };
      const envOfCron = (c: CronJob | undefined) =>
        Object.fromEntries(
          (c?.spec.jobTemplate.spec.template.spec.containers[0]?.env ?? []).map((e) => [
            e.name,
            e.value,
          ]),
        );
      const c = await eventually('K_SINK in the CronJob', async () => {
        const got = await get<CronJob>(cron);
        return envOfCron(got)['K_SINK'] ? got : undefined;
      });
      expect(envOfCron(c)).toMatchObject({
        ONE_SHOT: 'true',
        K_SINK: `http://event-display.${ns}.svc.cluster.local`,
        K_CE_OVERRIDES: '{"extensions":{"sink":"bound"}}',
      });
    });
  });

  it('ContainerSource (deploy/examples/containersource-heartbeats) creates its Deployment and SinkBinding, and deleting it deletes them', async () => {
    const ns = await newNamespace('itest-csrc');
    for (const obj of loadExample('containersource-heartbeats')) {
      if (obj.kind !== 'Deployment') await create(obj, ns);
    }
    const csRef = {
      apiVersion: 'sources.knative.dev/v1',
      kind: 'ContainerSource',
      namespace: ns,
      name: 'heartbeat-source',
    };
    const dRef = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: ns,
      name: 'heartbeat-source-deployment',
    };
    const sbRef = {
      apiVersion: 'sources.knative.dev/v1',
      kind: 'SinkBinding',
      namespace: ns,
      name: 'heartbeat-source-sinkbinding',
    };
    const d = await eventually('the heartbeats Deployment with K_SINK', async () => {
      const got = await get<Deployment>(dRef);
      const env = got?.spec.template.spec.containers[0]?.env ?? [];
      return env.some((e) => e.name === 'K_SINK') ? got : undefined;
    });
    // The binding's variables are not drift for the ContainerSource: nobody rewrites them.
    await new Promise((r) => setTimeout(r, 2_000));
    expect((await get(dRef))?.metadata.generation).toBe(d.metadata.generation);
    const source = await get(csRef);
    const container = d.spec.template.spec.containers[0];
    expect(container?.image).toBe('ghcr.io/knative-ts/test-services:latest');
    expect(container?.env?.find((e) => e.name === 'K_SINK')?.value).toBe(
      `http://event-display.${ns}.svc.cluster.local`,
    );
    expect(d.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'ContainerSource',
      uid: source?.metadata.uid,
    });
    const sb = await get(sbRef);
    expect(sb?.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'ContainerSource',
      uid: source?.metadata.uid,
    });
    await condition(csRef, 'SinkBindingReady', 'True');
    // Its pods running (ReceiveAdapterReady) is shown on the real node: sources-node.e2e.
    expect((await get(csRef))?.status).toMatchObject({
      sinkUri: `http://event-display.${ns}.svc.cluster.local`,
    });

    await sys.client.delete(csRef);
    await eventually(
      'the Deployment and the SinkBinding garbage-collected',
      async () =>
        (await get(dRef)) === undefined && (await get(sbRef)) === undefined ? true : undefined,
      60_000,
    );
  });
});

/** add < update < delete, for checking the order of one object's events. */
function order(change: string): number {
  return ['add', 'update', 'delete'].indexOf(change);
}
