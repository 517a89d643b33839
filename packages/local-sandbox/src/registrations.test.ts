import { apiError, type KubeClient, type KubeObject, type ObjectRef } from '@knative-ts/kube';
import { Registrations } from './registrations.js';

/** An in-memory API server for the four verbs registrations use. */
function fakeKube(initial: KubeObject[] = []) {
  const key = (r: ObjectRef) => `${r.kind}/${r.namespace}/${r.name}`;
  const store = new Map<string, KubeObject>();
  let version = 0;
  const put = (o: KubeObject) => {
    const stored = { ...o, metadata: { ...o.metadata, resourceVersion: String(++version) } };
    store.set(key({ ...o, name: o.metadata.name ?? '', namespace: o.metadata.namespace }), stored);
    return stored;
  };
  initial.forEach(put);
  const ref = (o: KubeObject): ObjectRef => ({
    apiVersion: o.apiVersion,
    kind: o.kind,
    namespace: o.metadata.namespace,
    name: o.metadata.name ?? '',
  });
  const kube = {
    create: async (o: KubeObject) => {
      if (store.has(key(ref(o))))
        throw apiError(409, 'AlreadyExists', 'exists', { verb: 'create' });
      return put(o);
    },
    get: async (r: ObjectRef) => {
      const o = store.get(key(r));
      if (!o) throw apiError(404, 'NotFound', 'not found', { verb: 'get' });
      return o;
    },
    update: async (o: KubeObject) => {
      const current = store.get(key(ref(o)));
      if (current?.metadata.resourceVersion !== o.metadata.resourceVersion) {
        throw apiError(409, 'Conflict', 'stale', { verb: 'update' });
      }
      return put(o);
    },
    delete: async (r: ObjectRef) => {
      if (!store.delete(key(r))) throw apiError(404, 'NotFound', 'not found', { verb: 'delete' });
    },
  };
  return { kube: kube as unknown as KubeClient, store };
}

describe('Registrations', () => {
  it('creates a slice, replaces a stale one from an earlier run, and removes both', async () => {
    const { kube, store } = fakeKube([
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'broker-ingress-local-sandbox', namespace: 'knative-eventing' },
      },
    ]);
    const regs = new Registrations(kube);
    await regs.register({
      namespace: 'knative-eventing',
      service: 'imc-dispatcher',
      ports: { http: 1 },
    });
    await regs.register({
      namespace: 'knative-eventing',
      service: 'broker-ingress',
      ports: { http: 2 },
    });
    const replaced = store.get('EndpointSlice/knative-eventing/broker-ingress-local-sandbox') as {
      ports?: unknown;
    };
    expect(replaced.ports).toEqual([{ name: 'http', port: 2, protocol: 'TCP' }]);

    expect(await regs.removeAll()).toEqual([
      'EndpointSlice knative-eventing/broker-ingress-local-sandbox',
      'EndpointSlice knative-eventing/imc-dispatcher-local-sandbox',
    ]);
    expect(store.size).toBe(0);
  });

  it('removes nothing twice', async () => {
    const { kube } = fakeKube();
    const regs = new Registrations(kube);
    await regs.register({ namespace: 'demo', service: 'first', ports: { http: 3 } });
    expect(await regs.removeAll()).toHaveLength(1);
    expect(await regs.removeAll()).toEqual([]);
  });
});
