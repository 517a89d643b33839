import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { KubeObject } from '@knative-ts/kube';
import { FakeKubeClient } from '@knative-ts/kube/testing';
import { Informer } from './informer.js';
import { FakeClock, flush } from './testing/fake-clock.js';

setFlagsFromString('--expose-gc');

const apiVersion = 'itest.dev/v1';
const kind = 'Widget';
const widget = (name: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion,
  kind,
  metadata: { namespace: 'ns', name, labels },
  spec: { size: 1 },
});

function setup(objects: KubeObject[] = [], resyncMs = 0) {
  const clock = new FakeClock();
  const client = new FakeKubeClient({ objects });
  const informer = new Informer({
    client,
    apiVersion,
    kind,
    resyncMs,
    clock,
    backoff: { initialMs: 800, maxMs: 30_000 },
  });
  const seen: string[] = [];
  informer.addEventHandler({
    onAdd: (o) => seen.push(`add ${o.metadata.name}`),
    onUpdate: (_old, o) => seen.push(`update ${o.metadata.name}`),
    onDelete: (o) => seen.push(`delete ${o.metadata.name}`),
  });
  return { clock, client, informer, seen };
}

describe('Informer', () => {
  it('lists, syncs, then follows the watch', async () => {
    const { client, informer, seen } = setup([widget('a', { tier: 'web' })]);
    expect(informer.hasSynced()).toBe(false);
    informer.start();
    await informer.waitForSync();
    expect(informer.hasSynced()).toBe(true);
    await client.create(widget('b'));
    await client.patch({ apiVersion, kind, namespace: 'ns', name: 'a' }, { spec: { size: 2 } });
    await client.delete({ apiVersion, kind, namespace: 'ns', name: 'b' });
    await flush();
    expect(seen).toEqual(['add a', 'add b', 'update a', 'delete b']);
    expect(informer.cache.get('ns', 'a')?.spec).toEqual({ size: 2 });
    expect(informer.cache.list('ns').map((o) => o.metadata.name)).toEqual(['a']);
    expect(informer.cache.listByLabels('tier=web')).toHaveLength(1);
    await informer.stop();
  });

  it('keeps no managedFields, from the list or the watch', async () => {
    const managed = (name: string): KubeObject => {
      const obj = widget(name);
      Object.assign(obj.metadata, {
        managedFields: [{ manager: 'kubectl', operation: 'Apply', fieldsV1: { 'f:spec': {} } }],
      });
      return obj;
    };
    const { client, informer } = setup([managed('listed')]);
    const handed: KubeObject[] = [];
    informer.addEventHandler({ onAdd: (o) => handed.push(o) });
    informer.start();
    await informer.waitForSync();
    await client.create(managed('watched'));
    await flush();
    const cached = ['listed', 'watched'].map((name) => informer.cache.get('ns', name));
    expect(cached.map((o) => o?.metadata.name)).toEqual(['listed', 'watched']);
    for (const obj of [...cached, ...handed])
      expect(obj?.metadata).not.toHaveProperty('managedFields');
    await informer.stop();
  });

  it('caches one copy of a value that many objects carry', async () => {
    const gc = runInNewContext('gc') as () => void;
    const heapUsed = (): number => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    // Every object read from the server carries its own copy of each value, as a parsed
    // list does: here a 1,500-character annotation, 2,000 times.
    const note = (): string => 'n'.repeat(1_500);
    const objects = Array.from({ length: 2_000 }, (_, i) => {
      const obj = widget(`w${i}`);
      obj.metadata.annotations = { note: note() };
      return obj;
    });
    const { informer } = setup(objects);
    const before = heapUsed();
    informer.start();
    await informer.waitForSync();
    const held = heapUsed() - before;
    expect(informer.cache.keys()).toHaveLength(2_000);
    // Copied, the annotations alone would be 3 MB.
    expect(held).toBeLessThan(2_000 * 1_500 * 0.6);
    await informer.stop();
  });

  it('re-delivers every cached object as an update on resync', async () => {
    const { clock, informer, seen } = setup([widget('a'), widget('b')], 60_000);
    informer.start();
    await informer.waitForSync();
    await clock.advance(60_000);
    expect(seen).toEqual(['add a', 'add b', 'update a', 'update b']);
    await informer.stop();
  });

  it('re-lists on 410 Gone, delivering what changed meanwhile', async () => {
    const { client, informer, seen } = setup([widget('a'), widget('b')]);
    informer.start();
    await informer.waitForSync();
    const lists = () => client.actions.filter((a) => a.verb === 'list').length;
    // Changes that the expired watch never delivers: the re-list must find them.
    client.closeWatches();
    await client.delete({ apiVersion, kind, namespace: 'ns', name: 'b' });
    client.expireWatchHistory();
    await flush();
    expect(lists()).toBe(2);
    expect(seen).toContain('delete b');
    expect(informer.cache.keys()).toEqual(['ns/a']);
    await informer.stop();
  });

  it('retries a failed list with doubling backoff', async () => {
    const { clock, client, informer } = setup([widget('a')]);
    let failures = 2;
    client.prependReactor('list', kind, () =>
      failures-- > 0 ? new Error('apiserver down') : undefined,
    );
    informer.start();
    await flush();
    expect(informer.hasSynced()).toBe(false);
    await clock.advance(800);
    expect(informer.hasSynced()).toBe(false);
    await clock.advance(1600);
    expect(informer.hasSynced()).toBe(true);
    await informer.stop();
  });

  it('gives late handlers the cached objects as adds', async () => {
    const { informer } = setup([widget('a')]);
    informer.start();
    await informer.waitForSync();
    const late: string[] = [];
    informer.addEventHandler({ onAdd: (o) => late.push(o.metadata.name ?? '') });
    expect(late).toEqual(['a']);
    await informer.stop();
  });

  it('keeps custom indexes', async () => {
    const { informer } = setup([
      widget('a', { broker: 'default' }),
      widget('b', { broker: 'other' }),
    ]);
    informer.cache.addIndexer('broker', (o) => [o.metadata.labels?.['broker'] ?? '']);
    informer.start();
    await informer.waitForSync();
    expect(informer.cache.byIndex('broker', 'default').map((o) => o.metadata.name)).toEqual(['a']);
    await informer.stop();
  });
});
