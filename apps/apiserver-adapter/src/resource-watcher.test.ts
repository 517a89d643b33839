import type { KubeObject } from '@knative-ts/kube';
import { FakeKubeClient } from '@knative-ts/kube/testing';
import { silentLogger } from '@knative-ts/reconciler';
import type { ApiServerAdapterConfig } from '@knative-ts/types';
import { ResourceWatcher } from './resource-watcher.js';

const cm = (
  ns: string,
  name: string,
  labels: Record<string, string> = {},
  owners: object[] = [],
): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { namespace: ns, name, labels, ownerReferences: owners },
    data: {},
  }) as KubeObject;
const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u' };
const watchCm = (extra: Partial<ApiServerAdapterConfig> = {}): ApiServerAdapterConfig => ({
  namespaces: ['a'],
  mode: 'Resource',
  resources: [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      gvr: { Group: '', Version: 'v1', Resource: 'configmaps' },
    },
  ],
  ...extra,
});

async function watch(config: ApiServerAdapterConfig, existing: KubeObject[] = []) {
  const client = new FakeKubeClient({ objects: existing });
  const seen: string[] = [];
  const watcher = new ResourceWatcher({
    client,
    config,
    log: silentLogger,
    onChange: (change, obj) =>
      seen.push(`${change} ${obj.metadata.namespace}/${obj.metadata.name}`),
  });
  watcher.start();
  for (let i = 0; i < 50 && !watcher.ready(); i++) await new Promise((r) => setTimeout(r, 5));
  const settle = () => new Promise((r) => setTimeout(r, 20));
  return { client, seen, watcher, settle };
}

describe('ResourceWatcher', () => {
  it('reports add, update and delete in order, but not the objects already there', async () => {
    const { client, seen, watcher, settle } = await watch(watchCm(), [cm('a', 'old')]);
    expect(watcher.ready()).toBe(true);
    const created = await client.create(cm('a', 'new'));
    await client.update({ ...created, data: { k: 'v' } } as KubeObject);
    await client.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'a', name: 'new' });
    await client.create(cm('b', 'elsewhere'));
    await settle();
    await watcher.stop();
    expect(seen).toEqual(['add a/new', 'update a/new', 'delete a/new']);
  });

  it('applies the label selector and the owner filter', async () => {
    const config = watchCm({ owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet' } });
    const first = config.resources[0];
    if (first) first.selector = 'app=x';
    const { client, seen, watcher, settle } = await watch(config);
    await client.create(cm('a', 'owned', { app: 'x' }, [rs]));
    await client.create(cm('a', 'orphan', { app: 'x' }));
    await client.create(cm('a', 'other-label', { app: 'y' }, [rs]));
    await settle();
    await watcher.stop();
    expect(seen).toEqual(['add a/owned']);
  });

  it('watches every namespace when asked', async () => {
    const { client, seen, watcher, settle } = await watch(
      watchCm({ namespaces: [], allNamespaces: true }),
    );
    await client.create(cm('a', 'x'));
    await client.create(cm('b', 'y'));
    await settle();
    await watcher.stop();
    expect(seen).toEqual(['add a/x', 'add b/y']);
  });
});
