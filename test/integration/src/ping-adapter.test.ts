import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEventServer, type EventServer } from '@knative-ts/delivery/testing';
import { createKubeClient, isNotFound, loadKubeConfig, type KubeObject } from '@knative-ts/kube';
import { startAppProcess, type AppProcess } from '@knative-ts/runtime/testing';
import { installCrds } from './crds.js';
import { eventually, localCluster, uniqueName } from './local-cluster.js';

// Two built ping-adapters coordinating through the real Redis, against the real API server:
// every tick of a PingSource reaches the sink once, edits apply live, deletion stops it.
// The test writes status.sinkUri itself (the PingSource reconciler's job) so that it needs
// no controller; a controller that runs meanwhile writes the same URI.

const here = dirname(fileURLToPath(import.meta.url));
const adapterMain = join(resolve(here, '../../..'), 'apps/ping-adapter/dist/main.js');
const ref = (namespace: string, name: string) => ({
  apiVersion: 'sources.knative.dev/v1',
  kind: 'PingSource',
  namespace,
  name,
});

describe('ping-adapter replicas on the real control plane and Redis', () => {
  const cluster = localCluster();
  const client = createKubeClient(loadKubeConfig({ env: { KUBECONFIG: cluster.kubeconfig } }));
  const ns = uniqueName('itest-ping');
  const apps: AppProcess[] = [];
  let sink: EventServer;
  const header = (i: number, name: string) => String(sink.requests[i]?.headers[name] ?? '');
  const times = () => sink.requests.map((_r, i) => header(i, 'ce-time'));

  beforeAll(async () => {
    await installCrds();
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    sink = await startEventServer();
    const env = { KUBECONFIG: cluster.kubeconfig, REDIS_URL: cluster.redisUrl, LOG_LEVEL: 'info' };
    apps.push(await startAppProcess(adapterMain, env), await startAppProcess(adapterMain, env));
    const created = await client.create({
      ...ref(ns, 'every-second'),
      metadata: { namespace: ns, name: 'every-second' },
      spec: {
        schedule: '* * * * * *',
        data: '{"v": 1}',
        ceOverrides: { extensions: { replicas: 'two' } },
        sink: { uri: sink.url },
      },
    } as KubeObject);
    await client.updateStatus({ ...created, status: { sinkUri: sink.url } });
  }, 60_000);

  afterAll(async () => {
    for (const app of apps) expect(await app.stop('SIGTERM', 10_000)).toBe(0);
    await sink?.close();
    await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  });

  it('fires each tick once across two replicas', async () => {
    await eventually('four ticks at the sink', async () => times().length >= 4 || undefined);
    // Let a further tick land, so both replicas had their chance at each.
    await new Promise((r) => setTimeout(r, 1_500));
    const seen = times();
    expect(new Set(seen).size).toBe(seen.length);
    for (const time of seen) expect(Date.parse(time) % 1000).toBe(0);
    expect(new Set(sink.requests.map((_r, i) => header(i, 'ce-id'))).size).toBe(seen.length);
    expect(sink.requests[0]?.headers).toMatchObject({
      'ce-type': 'dev.knative.sources.ping',
      'ce-source': `/apis/v1/namespaces/${ns}/pingsources/every-second`,
      'ce-replicas': 'two',
      'content-type': 'application/json',
    });
    expect(Buffer.from(sink.requests[0]?.body ?? []).toString()).toBe('{"v": 1}');
  });

  it('applies an edit without a restart', async () => {
    await client.patch(ref(ns, 'every-second'), { spec: { data: '{"v": 2}' } });
    await eventually(
      'an event with the new data',
      async () =>
        sink.requests.some((r) => Buffer.from(r.body).toString() === '{"v": 2}') || undefined,
    );
  });

  it('stops firing once the source is deleted', async () => {
    await client.delete(ref(ns, 'every-second'));
    await eventually('the source to be gone', async () =>
      client.get(ref(ns, 'every-second')).then(
        () => undefined,
        (err: unknown) => (isNotFound(err) ? true : undefined),
      ),
    );
    await new Promise((r) => setTimeout(r, 1_500));
    const count = sink.requests.length;
    await new Promise((r) => setTimeout(r, 2_500));
    expect(sink.requests.length).toBe(count);
  });
});
