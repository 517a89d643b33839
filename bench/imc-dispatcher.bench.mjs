/* global clearTimeout, console, fetch, process, setTimeout */
// Benchmark: sustained events/s and p50/p99 latency through imc-dispatcher (built
// dist/main.js as its own process, path routing /<ns>/<name>, synchronous fan-out so the
// latency covers delivery to every sink) at fan-out 1 and 10 with 1 KiB events, next to a
// minimal Node HTTP relay measured in the same run on the same machine.
//
// Channels reach the dispatcher through the real API server of the local control plane
// (npm run cluster:up): the bench writes InMemoryChannels with spec.subscribers directly
// (no controller needed); the dispatcher's informer loads them once, so the hot path does
// no cluster lookups (LOCAL_MODE off; sinks are plain 127.0.0.1 URLs).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { createKubeClient, isNotFound, loadKubeConfig } from '@knative-ts/kube';
import { load } from './lib/load.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5000);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const FANOUTS = [1, 10];
const messaging = 'messaging.knative.dev/v1';

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
        return; // not a JSON line (e.g. a Node warning)
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

async function until(what, check, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');

async function main() {
  const kubeconfig = process.env.KUBECONFIG ?? join(repo, '.local/admin.kubeconfig');
  const client = createKubeClient(
    loadKubeConfig({ env: { ...process.env, KUBECONFIG: kubeconfig } }),
  );
  // The InMemoryChannel CRD (idempotent).
  execFileSync(
    'kubectl',
    [
      'apply',
      '--server-side',
      '--force-conflicts',
      '-f',
      join(repo, 'deploy/300-in-memory-channel.yaml'),
    ],
    {
      env: { ...process.env, KUBECONFIG: kubeconfig },
      stdio: 'ignore',
    },
  );
  const ns = `bench-imc-${Date.now().toString(36)}`;
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  try {
    const sinks = spawnJson([join(here, 'lib/sinks.mjs'), String(Math.max(...FANOUTS))]);
    const { ports } = await firstJson(sinks.lines, (e) => Array.isArray(e.ports));
    const relay = spawnJson([join(here, 'lib/relay.mjs'), JSON.stringify(ports)]);
    const { port: relayPort } = await firstJson(relay.lines, (e) => typeof e.port === 'number');

    for (const n of FANOUTS) {
      await until('the API server to take the channel', async () => {
        await client.create({
          apiVersion: messaging,
          kind: 'InMemoryChannel',
          metadata: { namespace: ns, name: `fan${n}` },
          spec: {
            subscribers: ports.slice(0, n).map((p, i) => ({
              uid: `bench-${n}-${i}`,
              generation: 1,
              subscriberUri: `http://127.0.0.1:${p}/`,
            })),
          },
        });
        return true;
      });
    }
    const httpPort = await freePort();
    const dispatcher = spawnJson([join(repo, 'apps/imc-dispatcher/dist/main.js')], {
      KUBECONFIG: kubeconfig,
      HTTP_PORT: String(httpPort),
      ADMIN_PORT: '0',
      LOG_LEVEL: 'warn',
    });
    const dispatcherOrigin = `http://127.0.0.1:${httpPort}`;
    for (const n of FANOUTS) {
      await until(`channel fan${n} to be routed`, async () => {
        const res = await fetch(`${dispatcherOrigin}/${ns}/fan${n}`, {
          method: 'POST',
          headers: {
            'ce-specversion': '1.0',
            'ce-id': 'probe',
            'ce-source': '/bench',
            'ce-type': 'probe',
          },
          body: 'probe',
        });
        return res.status === 202;
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
      const imcResult = await load({ origin: dispatcherOrigin, path: `/${ns}/fan${n}`, ...common });
      rows.push({ n, relay: relayResult, imc: imcResult });
    }
    dispatcher.child.kill('SIGTERM');

    console.log(
      `imc-dispatcher benchmark: 1 KiB binary events, ${CONCURRENCY} concurrent senders, ${DURATION_MS} ms per run (+${WARMUP_MS} ms warm-up), loopback`,
    );
    console.log('fan-out  target          events/s   p50 ms   p99 ms  errors');
    for (const { n, relay: r, imc: d } of rows) {
      console.log(
        `${String(n).padStart(7)}  node relay      ${fmt(r.eventsPerSec).padStart(8)}  ${fmt(r.p50, 2).padStart(7)}  ${fmt(r.p99, 2).padStart(7)}  ${r.errors}`,
      );
      console.log(
        `${String(n).padStart(7)}  imc-dispatcher  ${fmt(d.eventsPerSec).padStart(8)}  ${fmt(d.p50, 2).padStart(7)}  ${fmt(d.p99, 2).padStart(7)}  ${d.errors}`,
      );
      console.log(
        `${String(n).padStart(7)}  ratio imc/relay: throughput ${fmt(d.eventsPerSec / r.eventsPerSec, 2)}x, p50 ${fmt(d.p50 / r.p50, 2)}x, p99 ${fmt(d.p99 / r.p99, 2)}x`,
      );
    }
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }).catch((err) => {
      if (!isNotFound(err)) throw err;
    });
  }
}

await main();
