/* global clearTimeout, console, fetch, performance, process, setTimeout */
// Benchmark: the JetStream channel (natss-channel-dispatcher, built dist/main.js as its own
// process, against the local control plane's NATS JetStream, file storage) at fan-out 1
// and 4 with 1 KiB events, next to the raw Node relay measured in the same run.
//
// Two figures per run, because a durable channel answers before it delivers: ingress
// (202 = JetStream stored the event; events/s and p50/p99 of that answer) and end to end
// (sender's clock to each subscriber's arrival, p50/p99; delivered events/s = deliveries
// over the time until the last one arrived). The relay answers only after delivering, so
// its request latency is its end-to-end latency. RSS of the dispatcher after the runs.
//
// Like the IMC bench it writes the channels with spec.subscribers directly (no controller)
// and creates their streams itself; the dispatcher makes the durable consumers.
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createKubeClient, isNotFound, loadKubeConfig } from '@knative-ts/kube';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { load } from './lib/load.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5000);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const FANOUTS = [1, 4];
const v1alpha1 = 'messaging.knative.dev/v1alpha1';

const children = [];
function spawnJson(args, env = {}) {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return { child, lines: createInterface({ input: child.stdout }) };
}

function firstJson(lines, match) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('child did not report in 20 s')), 20_000);
    lines.on('line', (line) => {
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      if (match(entry)) {
        clearTimeout(timer);
        resolve(entry);
      }
    });
  });
}

async function freePort() {
  const srv = createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

async function until(what, check, timeoutMs = 30_000, everyMs = 200) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function rss(adminPort) {
  const text = await (await fetch(`http://127.0.0.1:${adminPort}/metrics`)).text();
  const m = /^process_resident_memory_bytes (\S+)$/m.exec(text);
  return m ? Number(m[1]) : NaN;
}

const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
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
    const relaySinks = spawnJson([join(here, 'lib/sinks.mjs'), String(Math.max(...FANOUTS))]);
    const { ports: relayPorts } = await firstJson(relaySinks.lines, (e) => Array.isArray(e.ports));
    const relay = spawnJson([join(here, 'lib/relay.mjs'), JSON.stringify(relayPorts)]);
    const { port: relayPort } = await firstJson(relay.lines, (e) => typeof e.port === 'number');
    const timed = spawnJson([join(here, 'lib/timed-sinks.mjs'), String(Math.max(...FANOUTS))]);
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
    spawnJson([join(repo, 'apps/natss-channel-dispatcher/dist/main.js')], {
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
        origin: `http://127.0.0.1:${relayPort}`,
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
    const memory = await rss(adminPort);

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
    console.log(`RSS after the runs: natss-channel-dispatcher ${fmt(memory / 2 ** 20)} MiB`);
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    for (const n of FANOUTS)
      await jsm.streams.delete(streamOf(ns, `fan${n}`)).catch(() => undefined);
    await nc.drain();
    await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }).catch((err) => {
      if (!isNotFound(err)) throw err;
    });
  }
}

await main();
