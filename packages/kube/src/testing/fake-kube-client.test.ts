import { isAlreadyExists, isConflict, isGone, isInvalid, isNotFound } from '../errors.js';
import type { KubeObject, WatchEvent } from '../types.js';
import { FakeKubeClient } from './fake-kube-client.js';

const apiVersion = 'itest.dev/v1';
const kind = 'Widget';
const ref = { apiVersion, kind, namespace: 'ns', name: 'w' };
const widget = (spec: object = { size: 1 }): KubeObject => ({
  apiVersion,
  kind,
  metadata: { namespace: 'ns', name: 'w' },
  spec,
});

async function take<T>(it: AsyncIterable<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) {
    out.push(x);
    if (out.length === n) break;
  }
  return out;
}

describe('FakeKubeClient', () => {
  it('assigns uid, resourceVersion and generation, and drops status on create', async () => {
    const fake = new FakeKubeClient();
    const created = await fake.create({ ...widget(), status: { ready: true } });
    expect(created.metadata).toMatchObject({ generation: 1, resourceVersion: '1' });
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.status).toBeUndefined();
  });

  it.each([
    { what: 'a spec change', change: { size: 2 }, generation: 2 },
    { what: 'no spec change', change: { size: 1 }, generation: 1 },
  ])(
    'update with $what sets generation $generation and keeps status',
    async ({ change, generation }) => {
      const fake = new FakeKubeClient({ objects: [{ ...widget(), status: { ok: 1 } }] });
      const current = await fake.get(ref);
      const updated = await fake.update({ ...current, spec: change, status: { ok: 2 } });
      expect(updated.metadata.generation).toBe(generation);
      expect(updated.status).toEqual({ ok: 1 });
    },
  );

  it('updateStatus only touches status', async () => {
    const fake = new FakeKubeClient({ objects: [widget()] });
    const current = await fake.get(ref);
    const updated = await fake.updateStatus({
      ...current,
      metadata: { ...current.metadata, labels: { x: 'y' } },
      spec: { size: 9 },
      status: { ok: true },
    });
    expect(updated).toMatchObject({ spec: { size: 1 }, status: { ok: true } });
    expect(updated.metadata.labels).toBeUndefined();
    expect(updated.metadata.generation).toBe(1);
  });

  it.each([
    { verb: 'update', call: (f: FakeKubeClient, o: KubeObject) => f.update(o) },
    { verb: 'updateStatus', call: (f: FakeKubeClient, o: KubeObject) => f.updateStatus(o) },
    {
      verb: 'patch',
      call: (f: FakeKubeClient, o: KubeObject) =>
        f.patch(ref, {
          metadata: { resourceVersion: o.metadata.resourceVersion },
          spec: { size: 3 },
        }),
    },
  ])('$verb with a stale resourceVersion conflicts', async ({ call }) => {
    const fake = new FakeKubeClient({ objects: [widget()] });
    const stale = await fake.get(ref);
    await fake.patch(ref, { spec: { size: 5 } });
    expect(isConflict(await call(fake, stale).catch((e: unknown) => e))).toBe(true);
  });

  it('patchStatus merges into status only, with no precondition', async () => {
    const fake = new FakeKubeClient({ objects: [widget()] });
    await fake.updateStatus({ ...(await fake.get(ref)), status: { ok: true, list: [1] } });
    const patched = await fake.patchStatus(ref, {
      metadata: { resourceVersion: '1' },
      spec: { size: 9 },
      status: { list: [2] },
    });
    expect(patched).toMatchObject({ spec: { size: 1 }, status: { ok: true, list: [2] } });
    expect(patched.metadata.generation).toBe(1);
  });

  it('jsonPatch answers a failed test 422 and changes nothing', async () => {
    const fake = new FakeKubeClient({ objects: [widget()] });
    const err: unknown = await fake
      .jsonPatch(ref, [
        { op: 'test', path: '/metadata/generation', value: 7 },
        { op: 'add', path: '/spec/size', value: 2 },
      ])
      .catch((e: unknown) => e);
    expect(isInvalid(err)).toBe(true);
    expect((await fake.get(ref)).spec).toEqual({ size: 1 });
    const patched = await fake.jsonPatch(ref, [
      { op: 'test', path: '/metadata/generation', value: 1 },
      { op: 'add', path: '/spec/size', value: 2 },
    ]);
    expect(patched).toMatchObject({ spec: { size: 2 }, metadata: { generation: 2 } });
  });

  it('answers 404 and 409 AlreadyExists like the API server', async () => {
    const fake = new FakeKubeClient({ objects: [widget()] });
    expect(isNotFound(await fake.get({ ...ref, name: 'missing' }).catch((e: unknown) => e))).toBe(
      true,
    );
    expect(isAlreadyExists(await fake.create(widget()).catch((e: unknown) => e))).toBe(true);
  });

  it('holds an object with finalizers until the last one is removed', async () => {
    const fake = new FakeKubeClient({
      objects: [{ ...widget(), metadata: { ...widget().metadata, finalizers: ['f'] } }],
    });
    await fake.delete(ref, { propagationPolicy: 'Foreground' });
    const deleting = await fake.get(ref);
    expect(deleting.metadata.deletionTimestamp).toBeDefined();
    await fake.patch(ref, { metadata: { finalizers: null } });
    expect(fake.peek(ref)).toBeUndefined();
  });

  it('records actions and Events, and filters mutations', async () => {
    const fake = new FakeKubeClient({ objects: [widget()] });
    const w = await fake.get(ref);
    await fake.createEvent({
      involvedObject: w,
      type: 'Warning',
      reason: 'Boom',
      message: 'it broke',
      component: 'test',
    });
    expect(fake.actions.map((a) => `${a.verb} ${a.kind}`)).toEqual(['get Widget', 'create Event']);
    expect(fake.mutations()).toHaveLength(1);
    expect(fake.events[0]).toMatchObject({
      reason: 'Boom',
      type: 'Warning',
      involvedObject: { name: 'w' },
    });
  });

  it('fails calls through a reactor', async () => {
    const fake = new FakeKubeClient({ objects: [widget()] });
    fake.prependReactor('get', kind, () => new Error('injected'));
    await expect(fake.get(ref)).rejects.toThrow('injected');
  });

  it('streams changes after a resourceVersion and expires history with 410', async () => {
    const fake = new FakeKubeClient({
      objects: [{ ...widget(), metadata: { namespace: 'ns', name: 'other' } }],
    });
    const { resourceVersion } = await fake.list({ apiVersion, kind });
    await fake.create(widget());
    await fake.patch(ref, { spec: { size: 2 } });
    const events = await take(fake.watch({ apiVersion, kind }, { resourceVersion }), 2);
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED']);

    fake.expireWatchHistory();
    const gone = await take(fake.watch({ apiVersion, kind }, { resourceVersion }), 1);
    const first = gone[0] as WatchEvent | undefined;
    expect(first?.type === 'ERROR' && isGone(first.error)).toBe(true);
  });
});
