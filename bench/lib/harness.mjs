/* global clearTimeout, console, fetch, process, setTimeout */
// What every benchmark needs around its load runs: child processes that report a JSON line,
// free ports, waiting for a condition, medians, figures, and the result file.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chartEnvironment, renderChart, valuesKey } from '@knative-ts/local-sandbox';
import { load } from './load.mjs';

export const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** The knobs every bench reads, with the defaults `npm run bench` runs. */
export const settings = {
  durationMs: Number(process.env.BENCH_DURATION_MS ?? 5000),
  warmupMs: Number(process.env.BENCH_WARMUP_MS ?? 1000),
  concurrency: Number(process.env.BENCH_CONCURRENCY ?? 32),
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
  startWarmupMs: Number(process.env.BENCH_START_WARMUP_MS ?? 3000),
};

/**
 * An unmeasured run against every target before the first round. Right after start-up an
 * app still runs unoptimised code and grows its heap, and the case measured first paid for
 * it: a Broker's first round ran at a quarter to a half of its later ones.
 */
export async function warmUp(say, targets) {
  say(`warming up ${targets.length} target(s), ${settings.startWarmupMs} ms each`);
  for (const target of targets) {
    await load({
      concurrency: settings.concurrency,
      ...target,
      durationMs: settings.startWarmupMs,
      warmupMs: 0,
    });
  }
}

// BENCH_CPU_PROFILE=<dir>: each app writes a V8 CPU profile there when it stops (open it in
// Chrome DevTools), to see where an event's time goes.
const profileArgs = (name) =>
  process.env.BENCH_CPU_PROFILE
    ? [
        '--cpu-prof',
        `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`,
        `--cpu-prof-name=${name}.cpuprofile`,
      ]
    : [];

const children = [];
// A bench that dies (an uncaught error, Ctrl-C) must not leave its apps running: a stray
// eventing-controller would go on reconciling the next run's objects with its own config.
process.on('exit', () => stopChildren());

/** A Node child whose stdout lines can be awaited; stopped by `stopChildren`. */
export function spawnNode(args, env = {}) {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return { child, lines: createInterface({ input: child.stdout }) };
}

// The apps run with the Node flags their Deployments run with, so the bench measures the
// memory and speed of what `helm install` deploys.
const chart = chartEnvironment(
  await renderChart({
    repo,
    release: 'eventing',
    namespace: 'knative-eventing',
    // Placeholder endpoints: only the flags are read, and the durable dispatchers render
    // only with a backend set.
    backends: { kafka: 'kafka:9092', nats: 'nats://nats:4222' },
    enable: ['kafka-channel-dispatcher', 'natss-channel-dispatcher'].map(valuesKey),
  }),
  { namespace: 'knative-eventing', podName: (app) => app },
);

/** The Node flags and allocator settings (MALLOC_*) of an app's Deployment. */
function chartRuntime(name) {
  const nodeFlags = chart.nodeFlags[name];
  if (nodeFlags === undefined) throw new Error(`the chart renders no Deployment ${name}`);
  const allocator = Object.entries(chart.apps[name] ?? {}).filter(([k]) => k.startsWith('MALLOC_'));
  return { nodeFlags, env: Object.fromEntries(allocator) };
}

/**
 * One of this repo's built apps (apps/<name>/dist/main.js) as a child process, with its
 * Deployment's Node flags and allocator settings; the bench gives the rest.
 */
export function spawnApp(name, env, label = name) {
  const { nodeFlags, env: allocator } = chartRuntime(name);
  const main = join(repo, 'apps', name, 'dist/main.js');
  return spawnNode([...nodeFlags, ...profileArgs(label), main], { ...allocator, ...env });
}

export function stopChildren() {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}

/**
 * `count` event sinks (lib/sinks.mjs) and the relay in front of them (lib/relay.mjs): the
 * baseline every bench measures next to its path. Returns the sinks' ports and two relays:
 * `relay` runs with V8's defaults (the baseline the goals are set against); `boundedRelay`
 * with the Node flags and allocator settings the chart gives the data plane. With many
 * requests in flight those flags cost any Node process throughput (what survives two
 * scavenges of a small young generation is promoted), so the ratio to `boundedRelay` is
 * what the app's own code costs, and the ratio between the two relays what the bound costs.
 */
export async function startRelayAndSinks(count) {
  const bench = join(repo, 'bench');
  const sinks = spawnNode([join(bench, 'lib/sinks.mjs'), String(count)]);
  const { ports } = await firstJson(sinks.lines, (e) => Array.isArray(e.ports));
  const startRelay = async ({ nodeFlags, env }) => {
    const relay = spawnNode(
      [...nodeFlags, join(bench, 'lib/relay.mjs'), JSON.stringify(ports)],
      env,
    );
    const { port } = await firstJson(relay.lines, (e) => typeof e.port === 'number');
    return { pid: relay.child.pid, origin: `http://127.0.0.1:${port}`, nodeFlags };
  };
  return {
    sinkPorts: ports,
    relay: await startRelay({ nodeFlags: [], env: {} }),
    boundedRelay: await startRelay(chartRuntime('imc-dispatcher')),
  };
}

/** The first stdout line of a child that parses as JSON and matches. */
export function firstJson(lines, match, timeoutMs = 20_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`child did not report in ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
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

/** A free TCP port on 127.0.0.1 (released at once; the child binds it right after). */
export async function freePort() {
  const srv = createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

export async function until(what, check, timeoutMs = 60_000, everyMs = 250) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function untilReady(name, adminPort, timeoutMs) {
  await until(
    `${name} to be ready`,
    async () => (await fetch(`http://127.0.0.1:${adminPort}/readyz`)).status === 200,
    timeoutMs,
  );
}

/** process_resident_memory_bytes from an app's /metrics. */
export async function rssBytes(adminPort) {
  const text = await (await fetch(`http://127.0.0.1:${adminPort}/metrics`)).text();
  const m = /^process_resident_memory_bytes (\S+)$/m.exec(text);
  return m ? Number(m[1]) : NaN;
}

export const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
export const mib = (bytes) => `${fmt(bytes / 2 ** 20, 0)} MiB`;

export function medianOf(xs) {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The median of each figure over the rounds of one case; errors are summed. */
export function medianRun(runs) {
  const out = { rounds: runs.length, errors: runs.reduce((a, r) => a + (r.errors ?? 0), 0) };
  for (const key of Object.keys(runs[0] ?? {})) {
    if (key !== 'errors' && typeof runs[0][key] === 'number') {
      out[key] = medianOf(runs.map((r) => r[key]));
    }
  }
  return out;
}

/** Progress on stderr, so that stdout stays the report. */
export const progress = (bench) => (line) => console.error(`[bench ${bench}] ${line}`);

/**
 * Writes the machine-readable result: `.local/bench/<bench>.json` (the latest run of that
 * bench) with the settings, the machine and every figure printed.
 */
export function writeResult(bench, result) {
  const dir = process.env.BENCH_RESULTS_DIR ?? join(repo, '.local/bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${bench}.json`);
  const doc = {
    bench,
    at: new Date().toISOString(),
    node: process.version,
    settings,
    ...result,
  };
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  console.log(`results: ${file}`);
}
