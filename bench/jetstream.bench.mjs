/* global console, fetch, performance, process */
// Benchmark: the JetStream channel (natss-channel-dispatcher, built dist/main.js as its own
// process with its Deployment's Node flags, against the local control plane's NATS
// JetStream, file storage) at fan-out 1 and 4 with 1 KiB events, next to the raw Node relay
// measured in the same run.
//
// Two figures per run, because a durable channel answers before it delivers: ingress
// (202 = JetStream stored the event; events/s and p50/p99 of that answer) and end to end
// (sender's clock to each subscriber's arrival, p50/p99; delivered events/s = deliveries
// over the time until the last one arrived). The relay answers only after delivering, so
// its request latency is its end-to-end latency. RSS of the dispatcher after the runs.
//
// Like the IMC bench it writes the channels with spec.subscribers directly (no controller)
// and creates their streams itself; the dispatcher makes the durable consumers.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createKubeClient, isNotFound, loadKubeConfig } from '@knative-ts/kube';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import {
  firstJson,
  fmt,
  freePort,
  mib,
  repo,
  rssBytes,
  spawnApp,
  spawnNode,
  startRelayAndSinks,
  stopChildren,
  until,
  writeResult,
} from './lib/harness.mjs';
import { load } from './lib/load.mjs';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5000);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const FANOUTS = [1, 4];
const v1alpha1 = 'messaging.knative.dev/v1alpha1';

const streamOf = (ns, name) => `KN_${ns}__${name}`.toUpperCase().replace(/-/g, '_');

async function main() {
  const kubeconfig = process.env.KUBECONFIG ?? join(repo, '.local/admin.kubeconfig');
  const natsUrl = process.env.NATS_URL;
  if (!natsUrl) throw new Error('NATS_URL is not set: source .local/env (npm run cluster:up)');
  const client = createKubeClient(
    loadKubeConfig({ env: { ...process.env, KUBECONFIG: kubeconfig } }),
  );
  execFileSync(
    'kubectl',
    [
      'apply',
      '--server-side',
      '--force-conflicts',
      '-f',
      join(repo, 'deploy/300-natss-channel.yaml'),
    ],
    { env: { ...process.env, KUBECONFIG: kubeconfig }, stdio: 'ignore' },
  );
  const nc = await connect({ servers: natsUrl });
  const jsm = await jetstreamManager(nc);
  const ns = `bench-js-${Date.now().toString(36)}`;
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  try {
    const { relay } = await startRelayAndSinks(Math.max(...FANOUTS));
    const timed = spawnNode([
      join(repo, 'bench/lib/timed-sinks.mjs'),
      String(Math.max(...FANOUTS)),
    ]);
    const { ports, control } = await firstJson(timed.lines, (e) => Array.isArray(e.ports));
    const stats = async (reset = false) =>
      (await fetch(`http://127.0.0.1:${control}/`, { method: reset ? 'POST' : 'GET' })).json();

    for (const n of FANOUTS) {
      const name = `fan${n}`;
      await jsm.streams.add({
        name: streamOf(ns, name),
        subjects: [`${ns}.${name}._knative`],
        storage: 'file',
      });
      await until('the API server to take the channel', async () => {
        await client.create({
          apiVersion: v1alpha1,
          kind: 'NatssChannel',
          metadata: { namespace: ns, name },
          spec: {
            subscribers: ports.slice(0, n).map((p, i) => ({
              uid: `bench-${n}-${i}-${ns}`,
              generation: 1,
              subscriberUri: `http://127.0.0.1:${p}/`,
            })),
          },
        });
        return true;
      });
    }
    const httpPort = await freePort();
    const adminPort = await freePort();
    spawnApp('natss-channel-dispatcher', {
      KUBECONFIG: kubeconfig,
      NATS_URL: natsUrl,
      HTTP_PORT: String(httpPort),
      ADMIN_PORT: String(adminPort),
      LOG_LEVEL: 'warn',
    });
    const origin = `http://127.0.0.1:${httpPort}`;
    for (const n of FANOUTS) {
      await until(`channel fan${n} routed with ${n} consumers`, async () => {
        const c = await client.get({
          apiVersion: v1alpha1,
          kind: 'NatssChannel',
          namespace: ns,
          name: `fan${n}`,
        });
        const ready = (c.status?.subscribers ?? []).filter((s) => s.ready === 'True').length === n;
        return (
          ready && (await fetch(`${origin}/${ns}/fan${n}`, { method: 'OPTIONS' })).status === 200
        );
      });
    }

    const rows = [];
    for (const n of FANOUTS) {
      const common = { concurrency: CONCURRENCY, durationMs: DURATION_MS, warmupMs: WARMUP_MS };
      const relayResult = await load({
        origin: relay.origin,
        path: `/${n}`,
        ...common,
      });
      await stats(true);
      const started = performance.now();
      const ingress = await load({
        origin,
        path: `/${ns}/fan${n}`,
        ...common,
        extraHeaders: () => ({ 'ce-benchts': String(performance.timeOrigin + performance.now()) }),
      });
      const want = ingress.accepted * n;
      await until(
        `all ${want} deliveries of fan${n}`,
        async () => (await stats()).count >= want,
        300_000,
        100,
      );
      const drainedMs = performance.now() - started;
      const e2e = await stats();
      rows.push({
        n,
        relay: relayResult,
        ingress,
        e2e,
        deliveredPerSec: want / (drainedMs / 1000),
      });
    }
    const memory = await rssBytes(adminPort);

    console.log(
      `JetStream channel benchmark: 1 KiB binary events, ${CONCURRENCY} concurrent senders, ${DURATION_MS} ms per run (+${WARMUP_MS} ms warm-up), loopback, file storage`,
    );
    console.log('fan-out  target                      events/s   p50 ms   p99 ms  errors');
    for (const { n, relay: r, ingress: d, e2e, deliveredPerSec } of rows) {
      const line = (label, eps, p50, p99, errors) =>
        console.log(
          `${String(n).padStart(7)}  ${label.padEnd(26)}  ${fmt(eps).padStart(8)}  ${fmt(p50, 2).padStart(7)}  ${fmt(p99, 2).padStart(7)}  ${errors}`,
        );
      line('node relay (end to end)', r.eventsPerSec, r.p50, r.p99, r.errors);
      line('jetstream ingress (stored)', d.eventsPerSec, d.p50, d.p99, d.errors);
      line('jetstream end to end', deliveredPerSec / n, e2e.p50, e2e.p99, '-');
      console.log(
        `${String(n).padStart(7)}  ratio jetstream/relay: ingress throughput ${fmt(d.eventsPerSec / r.eventsPerSec, 2)}x, p50 ${fmt(d.p50 / r.p50, 2)}x, p99 ${fmt(d.p99 / r.p99, 2)}x; delivered events/s ${fmt(deliveredPerSec / n / r.eventsPerSec, 2)}x, end-to-end p50 ${fmt(e2e.p50 / r.p50, 2)}x, p99 ${fmt(e2e.p99 / r.p99, 2)}x`,
      );
    }
    console.log(`RSS after the runs: natss-channel-dispatcher ${mib(memory)}`);
    writeResult('jetstream', { rows, memory });
  } finally {
    stopChildren();
    for (const n of FANOUTS)
      await jsm.streams.delete(streamOf(ns, `fan${n}`)).catch(() => undefined);
    await nc.drain();
    await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }).catch((err) => {
      if (!isNotFound(err)) throw err;
    });
  }
}

await main();
