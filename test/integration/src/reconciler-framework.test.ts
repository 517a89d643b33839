import {
  createKubeClient,
  isAlreadyExists,
  isNotFound,
  loadKubeConfig,
  type KubeClient,
  type KubeObject,
} from '@knative-ts/kube';
import {
  Controller,
  Informer,
  keyOf,
  LeaderElector,
  Tracker,
  warningEvent,
  type KindReconciler,
} from '@knative-ts/reconciler';
import { eventually, localCluster, uniqueName } from './local-cluster.js';

// The reconciler framework against the real kube-apiserver: discovery, watches, the
// status subresource, finalizers, Events and Leases behave as the unit-test fake claims.

const group = 'itest.knative-ts.dev';
const apiVersion = `${group}/v1`;
const kind = 'Gadget';
const finalizer = `gadgets.${group}`;

interface Gadget extends KubeObject {
  spec: { size: number; fail?: boolean; dependsOn?: string };
  status?: {
    observedGeneration?: number;
    conditions?: Array<{ type: string; status: string; reason?: string }>;
  };
}

const gadgetCrd: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `gadgets.${group}` },
  spec: {
    group,
    scope: 'Namespaced',
    names: { plural: 'gadgets', singular: 'gadget', kind, listKind: 'GadgetList' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        },
      },
    ],
  },
};

/** Wraps a client to count calls per verb and object name. */
function counting(client: KubeClient): {
  client: KubeClient;
  count: (verb: string, name: string) => number;
} {
  const calls: string[] = [];
  const wrapped = new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const first = args[0] as { metadata?: { name?: string }; name?: string } | undefined;
        calls.push(`${String(prop)} ${first?.metadata?.name ?? first?.name ?? ''}`);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return {
    client: wrapped,
    count: (verb, name) => calls.filter((c) => c === `${verb} ${name}`).length,
  };
}

const quietly = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('reconciler framework on the real kube-apiserver', () => {
  const base = createKubeClient(loadKubeConfig({ env: { KUBECONFIG: localCluster().kubeconfig } }));
  const { client, count } = counting(base);
  const namespace = uniqueName('itest-rec');
  const finalized: string[] = [];
  let controller: Controller<Gadget>;
  let configMaps: Informer;
  const ref = (name: string) => ({ apiVersion, kind, namespace, name });
  const gadget = (name: string, spec: Gadget['spec']): Gadget => ({
    apiVersion,
    kind,
    metadata: { namespace, name },
    spec,
  });

  beforeAll(async () => {
    await base.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    await base.create(gadgetCrd).catch((err: unknown) => {
      if (!isAlreadyExists(err)) throw err;
    });
    await eventually('the Gadget kind to be served', async () => {
      await base.list(ref(''));
      return true;
    });

    const informer = new Informer<Gadget>({ client, apiVersion, kind, namespace });
    configMaps = new Informer({ client, apiVersion: 'v1', kind: 'ConfigMap', namespace });
    const tracker = new Tracker({ enqueue: (key) => controller.enqueueKey(key), leaseMs: 60_000 });
    configMaps.addEventHandler(tracker.handlers());
    const reconciler: KindReconciler<Gadget> = {
      async reconcileKind(g) {
        if (g.spec.fail)
          throw warningEvent('GadgetFailed', `gadget ${g.metadata.name} was asked to fail`);
        const dep = g.spec.dependsOn;
        if (dep) {
          const cmRef = { apiVersion: 'v1', kind: 'ConfigMap', namespace, name: dep };
          tracker.track(cmRef, keyOf(g));
          if (!configMaps.cache.get(namespace, dep)) {
            g.status = {
              ...g.status,
              conditions: [{ type: 'Ready', status: 'False', reason: 'DependencyMissing' }],
            };
            return;
          }
        }
        g.status = {
          ...g.status,
          conditions: [{ type: 'Ready', status: 'True', reason: 'Reconciled' }],
        };
      },
      async finalizeKind(g) {
        finalized.push(g.metadata.name ?? '');
      },
    };
    controller = new Controller({
      name: 'gadget',
      client,
      informer,
      reconciler,
      component: 'itest',
      finalizerName: finalizer,
    });
    configMaps.start();
    await configMaps.waitForSync();
    await controller.start();
  });

  afterAll(async () => {
    await controller?.stop();
    await configMaps?.stop();
    await base.delete({ apiVersion: 'v1', kind: 'Namespace', name: namespace });
  });

  const readyOf = async (name: string) => {
    const g = await base.get<Gadget>(ref(name));
    return { generation: g.status?.observedGeneration, ready: g.status?.conditions?.[0]?.status };
  };

  it('writes status once with observedGeneration, re-reconciles a spec change, and skips unchanged status', async () => {
    await base.create(gadget('g1', { size: 1 }));
    await eventually('g1 to be Ready', async () => {
      const s = await readyOf('g1');
      return s.ready === 'True' && s.generation === 1 ? s : undefined;
    });
    const g1 = await base.get<Gadget>(ref('g1'));
    expect(g1.metadata.finalizers).toEqual([finalizer]);

    await base.patch(ref('g1'), { spec: { size: 2 } });
    await eventually('g1 to observe generation 2', async () =>
      (await readyOf('g1')).generation === 2 ? true : undefined,
    );

    await quietly(500);
    const writes = count('updateStatus', 'g1');
    controller.enqueueKey(`${namespace}/g1`);
    await quietly(1_000);
    expect(count('updateStatus', 'g1')).toBe(writes);
  });

  it('records a Warning Event when reconciling fails', async () => {
    await base.create(gadget('broken', { size: 1, fail: true }));
    const event = await eventually('a GadgetFailed event', async () => {
      const { items } = await base.list({ apiVersion: 'v1', kind: 'Event', namespace });
      return items.find((e) => (e as { reason?: string }).reason === 'GadgetFailed') as
        | (KubeObject & { type: string; message: string; involvedObject: { name: string } })
        | undefined;
    });
    expect(event).toMatchObject({
      type: 'Warning',
      message: 'gadget broken was asked to fail',
      involvedObject: { kind, name: 'broken' },
    });
  });

  it('removes its finalizer after finalizing a deleted object', async () => {
    await base.create(gadget('doomed', { size: 1 }));
    await eventually('the finalizer on doomed', async () => {
      const g = await base.get<Gadget>(ref('doomed'));
      return g.metadata.finalizers?.includes(finalizer) || undefined;
    });
    await base.delete(ref('doomed'));
    await eventually('doomed to be gone', async () => {
      try {
        await base.get(ref('doomed'));
        return undefined;
      } catch (err) {
        if (isNotFound(err)) return true;
        throw err;
      }
    });
    expect(finalized).toContain('doomed');
  });

  it('re-queues a dependent when the tracked object appears', async () => {
    await base.create(gadget('dependent', { size: 1, dependsOn: 'settings' }));
    await eventually('dependent to wait for its dependency', async () =>
      (await readyOf('dependent')).ready === 'False' ? true : undefined,
    );
    await base.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { namespace, name: 'settings' },
    });
    await eventually('dependent to become Ready', async () =>
      (await readyOf('dependent')).ready === 'True' ? true : undefined,
    );
  });

  it('lets one of two electors lead and the other take over after a release', async () => {
    const lease = uniqueName('lease');
    const log: string[] = [];
    const elector = (identity: string) =>
      new LeaderElector({
        client: base,
        namespace,
        name: lease,
        identity,
        leaseDurationMs: 3_000,
        renewDeadlineMs: 2_000,
        retryPeriodMs: 300,
        onStartedLeading: () => log.push(`${identity} started`),
        onStoppedLeading: () => log.push(`${identity} stopped`),
      });
    const a = elector('a');
    const b = elector('b');
    a.start();
    await eventually('a to lead', async () => (a.isLeader() ? true : undefined));
    b.start();
    await quietly(1_500);
    expect(b.isLeader()).toBe(false);
    await a.stop();
    await eventually('b to take over', async () => (b.isLeader() ? true : undefined), 10_000);
    await b.stop();
    expect(log).toEqual(['a started', 'a stopped', 'b started', 'b stopped']);
    const held = await base.getLease(namespace, lease);
    expect(held.spec).toMatchObject({ holderIdentity: '', leaseTransitions: 1 });
  }, 30_000);
});
