import * as k8s from '@kubernetes/client-node';
import { eventually, localCluster, uniqueName } from './local-cluster.js';

// The local control plane is a real kube-apiserver on etcd with the real controller
// manager: these tests prove what every reconciler will rely on (CRDs, watches,
// RBAC-enforcing API, garbage collection of owned objects).

const group = 'itest.knative-ts.dev';
const crdName = `widgets.${group}`;

const widgetCrd: k8s.V1CustomResourceDefinition = {
  metadata: { name: crdName },
  spec: {
    group,
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
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
              spec: { type: 'object', properties: { size: { type: 'integer', minimum: 1 } } },
              status: { type: 'object', x_kubernetes_preserve_unknown_fields: true },
            },
          },
        },
      },
    ],
  },
};

function isNotFound(err: unknown): boolean {
  return err instanceof k8s.ApiException && err.code === 404;
}

describe('kube-apiserver and kube-controller-manager', () => {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(localCluster().kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const extensions = kc.makeApiClient(k8s.ApiextensionsV1Api);
  const objects = kc.makeApiClient(k8s.CustomObjectsApi);
  const namespace = uniqueName('itest');

  beforeAll(async () => {
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    try {
      await extensions.createCustomResourceDefinition({ body: widgetCrd });
    } catch (err) {
      if (!(err instanceof k8s.ApiException && err.code === 409)) throw err;
    }
    await eventually('the Widget CRD to be established', async () => {
      const crd = await extensions.readCustomResourceDefinition({ name: crdName });
      return (
        crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ||
        undefined
      );
    });
    // Established can precede the resource's handler by a moment on a fresh API server; a
    // watch opened in that gap ends at once, so wait until the resource is really served.
    await eventually('widgets to be served', async () => {
      await objects.listNamespacedCustomObject({
        group,
        version: 'v1',
        namespace,
        plural: 'widgets',
      });
      return true;
    });
  });

  afterAll(async () => {
    await core.deleteNamespace({ name: namespace });
  });

  it('serves a custom resource, enforces its schema and streams its changes to a watch', async () => {
    const events: Array<{ type: string; name: string; size: number }> = [];
    const watch = new k8s.Watch(kc);
    const request = await watch.watch(
      `/apis/${group}/v1/namespaces/${namespace}/widgets`,
      {},
      (type, obj: { metadata: { name: string }; spec: { size: number } }) => {
        events.push({ type, name: obj.metadata.name, size: obj.spec.size });
      },
      (err) => {
        if (err && (err as Error).name !== 'AbortError')
          events.push({ type: 'ERROR', name: String(err), size: 0 });
      },
    );
    try {
      const widget = {
        apiVersion: `${group}/v1`,
        kind: 'Widget',
        metadata: { name: 'w1' },
        spec: { size: 3 },
      };
      await objects.createNamespacedCustomObject({
        group,
        version: 'v1',
        namespace,
        plural: 'widgets',
        body: widget,
      });
      await objects.patchNamespacedCustomObject(
        {
          group,
          version: 'v1',
          namespace,
          plural: 'widgets',
          name: 'w1',
          body: { spec: { size: 5 } },
        },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );

      await eventually(
        'ADDED and MODIFIED events',
        async () => (events.length >= 2 ? true : undefined),
        10_000,
      );
      expect(events.slice(0, 2)).toEqual([
        { type: 'ADDED', name: 'w1', size: 3 },
        { type: 'MODIFIED', name: 'w1', size: 5 },
      ]);

      const invalid = { ...widget, metadata: { name: 'w2' }, spec: { size: 0 } };
      const refusal = objects.createNamespacedCustomObject({
        group,
        version: 'v1',
        namespace,
        plural: 'widgets',
        body: invalid,
      });
      await expect(refusal).rejects.toMatchObject({ code: 422 });
    } finally {
      request.abort();
    }
  });

  it('garbage-collects a dependent once its owner is deleted', async () => {
    const owner = (await objects.createNamespacedCustomObject({
      group,
      version: 'v1',
      namespace,
      plural: 'widgets',
      body: {
        apiVersion: `${group}/v1`,
        kind: 'Widget',
        metadata: { name: 'owner' },
        spec: { size: 1 },
      },
    })) as { metadata: { uid: string } };

    await core.createNamespacedConfigMap({
      namespace,
      body: {
        metadata: {
          name: 'dependent',
          ownerReferences: [
            { apiVersion: `${group}/v1`, kind: 'Widget', name: 'owner', uid: owner.metadata.uid },
          ],
        },
        data: { note: 'removed by the garbage collector with its owner' },
      },
    });
    await objects.deleteNamespacedCustomObject({
      group,
      version: 'v1',
      namespace,
      plural: 'widgets',
      name: 'owner',
    });

    // The garbage collector picks up a new CRD on its next discovery sync (30 s).
    await eventually(
      'the garbage collector to delete the dependent ConfigMap',
      async () => {
        try {
          await core.readNamespacedConfigMap({ namespace, name: 'dependent' });
          return undefined;
        } catch (err) {
          if (isNotFound(err)) return true;
          throw err;
        }
      },
      90_000,
      500,
    );
  }, 120_000);

  it('lets RBAC refuse an anonymous request to read secrets', async () => {
    const anonymous = new k8s.KubeConfig();
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('admin kubeconfig has no current cluster');
    anonymous.loadFromOptions({
      clusters: [cluster],
      users: [{ name: 'nobody' }],
      contexts: [{ name: 'anon', cluster: cluster.name, user: 'nobody' }],
      currentContext: 'anon',
    });
    const anonymousCore = anonymous.makeApiClient(k8s.CoreV1Api);
    await expect(anonymousCore.listNamespacedSecret({ namespace })).rejects.toMatchObject({
      code: 403,
    });
  });
});
