/* global clearTimeout, console, fetch, process, setTimeout */
// Benchmark: the broker path, ingress → trigger channel (imc-dispatcher) → broker-filter →
// subscriber, with 10 Triggers per Broker and 1 KiB binary events: sustained events/s and
// p50/p99 end-to-end latency, next to the minimal Node relay measured in the same run
// (fanning out to the same number of sinks), the ratio, and each app's RSS after the run.
//
// How the apps get their objects: the most honest way, as a user would run them. The built
// eventing-controller, imc-dispatcher, broker-ingress and broker-filter run as processes
// against the real API server of the local control plane (npm run cluster:up), the data
// plane in LOCAL_MODE, in a system namespace of their own (Services + FQDN EndpointSlices
// registering their local ports, the broker ConfigMaps). The bench writes only Brokers,
// Triggers (`subscriber.ref` to v1 Services) and the sinks' Services; the controller makes
// the trigger channels and Subscriptions. Every hop follows the cluster addresses the
// controller wrote, resolved by local mode (cached for 2 s) to loopback ports.
//
// The ingress answers once the InMemoryChannel's synchronous fan-out is done, i.e. once
// broker-filter has answered for every trigger (after delivering to each matching
// subscriber), so the latency covers the whole path. Three brokers: `all` (10 matching
// triggers: 10 deliveries per event), `one` (1 matching + 9 filtered out, which
// imc-dispatcher's trigger prefilter answers without a request) and `single` (1 trigger).
//
// EventType auto-creation (config-features eventtype-auto-create) on and off in the same
// run: a second broker-ingress with FEATURE_EVENTTYPE_AUTO_CREATE=enabled serves the same brokers
// on a port of its own; runs with 1 KiB JSON data (which schema inference reads) alternate
// between the two ingresses, off/on/off/on, on broker `all`. The rest of the path is the
// same processes (a Broker's trigger channel registers nothing; the filter only registers
// replies, which these sinks do not send).
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createKubeClient, isNotFound, loadKubeConfig } from '@knative-ts/kube';
import { load } from './lib/load.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5000);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const TRIGGERS = 10;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BENCH_TYPE = 'dev.knative-ts.bench'; // what lib/load.mjs sends
const eventing = 'eventing.knative.dev/v1';

const children = [];
function spawnNode(args, env = {}) {
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

async function until(what, check, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const mib = (bytes) => `${fmt(bytes / 2 ** 20, 0)} MiB`;

/** A Service with port http/80 and the FQDN EndpointSlice registering a local port for it. */
async function registerLocal(client, namespace, name, port) {
  await client.create({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace, name },
    spec: { ports: [{ name: 'http', port: 80 }] },
  });
  await client.create({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      namespace,
      name: `${name}-local`,
      labels: {
        'kubernetes.io/service-name': name,
        'endpointslice.kubernetes.io/managed-by': 'knative-ts-bench',
      },
    },
    // The API server refuses loopback IPs in IP slices; FQDN slices take 127.0.0.1.
    addressType: 'FQDN',
    endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
    ports: [{ name: 'http', port }],
  });
}

const configMap = (namespace, name, data) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { namespace, name },
  data,
});

async function rss(adminPort) {
  const text = await (await fetch(`http://127.0.0.1:${adminPort}/metrics`)).text();
  const m = /^process_resident_memory_bytes (\S+)$/m.exec(text);
  return m ? Number(m[1]) : NaN;
}

async function main() {
  const kubeconfig = process.env.KUBECONFIG ?? join(repo, '.local/admin.kubeconfig');
  const kenv = { ...process.env, KUBECONFIG: kubeconfig };
  const client = createKubeClient(loadKubeConfig({ env: kenv }));
  // Every CRD (idempotent).
  const deploy = join(repo, 'deploy');
  for (const file of readdirSync(deploy).filter((f) => /^300-.+\.yaml$/.test(f))) {
    execFileSync(
      'kubectl',
      ['apply', '--server-side', '--force-conflicts', '-f', join(deploy, file)],
      { env: kenv, stdio: 'ignore' },
    );
  }
  const stamp = Date.now().toString(36);
  const system = `bench-brsys-${stamp}`;
  const ns = `bench-br-${stamp}`;
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: system } });
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const apps = {};
  try {
    await client.create(
      configMap(system, 'config-br-defaults', {
        'default-br-config': [
          'clusterDefault:',
          '  brokerClass: MTChannelBasedBroker',
          '  apiVersion: v1',
          '  kind: ConfigMap',
          '  name: config-br-default-channel',
          `  namespace: ${system}`,
        ].join('\n'),
      }),
    );
    const imc = 'apiVersion: messaging.knative.dev/v1\nkind: InMemoryChannel\n';
    await client.create(
      configMap(system, 'config-br-default-channel', { 'channel-template-spec': imc }),
    );
    await client.create(
      configMap(system, 'default-ch-webhook', {
        'default-ch-config': `clusterDefault:\n  apiVersion: messaging.knative.dev/v1\n  kind: InMemoryChannel\n`,
      }),
    );

    const sinks = spawnNode([join(here, 'lib/sinks.mjs'), String(TRIGGERS)]);
    const { ports: sinkPorts } = await firstJson(sinks.lines, (e) => Array.isArray(e.ports));
    const relay = spawnNode([join(here, 'lib/relay.mjs'), JSON.stringify(sinkPorts)]);
    const { port: relayPort } = await firstJson(relay.lines, (e) => typeof e.port === 'number');
    for (const [i, port] of sinkPorts.entries()) await registerLocal(client, ns, `sink-${i}`, port);

    const common = { KUBECONFIG: kubeconfig, SYSTEM_NAMESPACE: system, LOG_LEVEL: 'warn' };
    const start = async (name, extra = {}) => {
      const adminPort = await freePort();
      const { child } = spawnNode([join(repo, 'apps', name, 'dist/main.js')], {
        ...common,
        ...extra,
        ADMIN_PORT: String(adminPort),
      });
      apps[name] = { child, adminPort };
    };
    await start('eventing-controller');
    const httpPorts = {};
    for (const name of ['imc-dispatcher', 'broker-ingress', 'broker-filter']) {
      httpPorts[name] = await freePort();
      await registerLocal(client, system, name, httpPorts[name]);
      await start(name, { HTTP_PORT: String(httpPorts[name]), LOCAL_MODE: 'true' });
    }
    // The same ingress with auto-creation on, at its own port (not a Service: the bench
    // posts to it directly).
    const autoCreatePort = await freePort();
    {
      const adminPort = await freePort();
      const { child } = spawnNode([join(repo, 'apps/broker-ingress/dist/main.js')], {
        ...common,
        ADMIN_PORT: String(adminPort),
        HTTP_PORT: String(autoCreatePort),
        LOCAL_MODE: 'true',
        FEATURE_EVENTTYPE_AUTO_CREATE: 'enabled',
      });
      apps['broker-ingress (auto-create on)'] = { child, adminPort };
    }
    for (const [name, { adminPort }] of Object.entries(apps)) {
      await until(`${name} to be ready`, async () => {
        const res = await fetch(`http://127.0.0.1:${adminPort}/readyz`);
        return res.status === 200;
      });
    }

    // Broker `all`: every trigger matches. Broker `one`: only trigger 0 does. Broker
    // `single`: trigger 0 alone, what `one` costs next to it is what 9 filtered-out
    // Triggers cost.
    const brokers = {
      all: { triggers: TRIGGERS, typeOf: () => BENCH_TYPE },
      one: { triggers: TRIGGERS, typeOf: (i) => (i === 0 ? BENCH_TYPE : `other-${i}`) },
      single: { triggers: 1, typeOf: () => BENCH_TYPE },
    };
    const triggerCount = Object.values(brokers).reduce((n, b) => n + b.triggers, 0);
    for (const [broker, { triggers, typeOf }] of Object.entries(brokers)) {
      await client.create({
        apiVersion: eventing,
        kind: 'Broker',
        metadata: { namespace: ns, name: broker },
        spec: {},
      });
      for (let i = 0; i < triggers; i++) {
        await client.create({
          apiVersion: eventing,
          kind: 'Trigger',
          metadata: { namespace: ns, name: `${broker}-${i}` },
          spec: {
            broker,
            filter: { attributes: { type: typeOf(i) } },
            subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name: `sink-${i}` } },
          },
        });
      }
    }
    const ready = (o) =>
      o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    await until(
      'every Broker and Trigger to be Ready',
      async () => {
        const [b, t] = await Promise.all(
          ['Broker', 'Trigger'].map((kind) =>
            client.list({ apiVersion: eventing, kind, namespace: ns }),
          ),
        );
        return (
          b.items.length === Object.keys(brokers).length &&
          b.items.every(ready) &&
          t.items.length === triggerCount &&
          t.items.every(ready)
        );
      },
      120_000,
    );
    const ingressOrigin = `http://127.0.0.1:${httpPorts['broker-ingress']}`;
    for (const broker of Object.keys(brokers)) {
      await until(`broker ${broker} to take events`, async () => {
        const res = await fetch(`${ingressOrigin}/${ns}/${broker}`, {
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

    const runs = { concurrency: CONCURRENCY, durationMs: DURATION_MS, warmupMs: WARMUP_MS };
    // ROUNDS interleaved rounds (relay, broker, for each broker in turn), the median of
    // each: the first run through a cold process is about half as fast (JIT), and a loaded
    // machine drifts over a run.
    const median = (results) => {
      const mid = (key) => {
        const xs = results.map((r) => r[key]).sort((a, b) => a - b);
        const m = Math.floor(xs.length / 2);
        return xs.length % 2 ? xs[m] : (xs[m - 1] + xs[m]) / 2;
      };
      return {
        eventsPerSec: mid('eventsPerSec'),
        p50: mid('p50'),
        p99: mid('p99'),
        errors: results.reduce((a, r) => a + r.errors, 0),
      };
    };
    const cases = [
      ['single', 1],
      ['all', TRIGGERS],
      ['one', 1],
    ];
    const samples = new Map(cases.map(([broker]) => [broker, { relay: [], brk: [] }]));
    for (let round = 1; round <= ROUNDS; round++) {
      console.error(`[bench broker] round ${round}/${ROUNDS}`);
      for (const [broker, matching] of cases) {
        const s = samples.get(broker);
        s.relay.push(
          await load({ origin: `http://127.0.0.1:${relayPort}`, path: `/${matching}`, ...runs }),
        );
        s.brk.push(await load({ origin: ingressOrigin, path: `/${ns}/${broker}`, ...runs }));
        console.error(
          `[bench broker]   ${broker}: relay ${fmt(s.relay.at(-1).eventsPerSec)} ev/s, broker ${fmt(s.brk.at(-1).eventsPerSec)} ev/s`,
        );
      }
    }
    const rows = cases.map(([broker, matching]) => ({
      broker,
      matching,
      relay: median(samples.get(broker).relay),
      brk: median(samples.get(broker).brk),
    }));
    // Auto-create off/on/off/on on broker `all`, JSON data, next to the relay.
    const autoCreateOrigin = `http://127.0.0.1:${autoCreatePort}`;
    const autoRelay = await load({
      origin: `http://127.0.0.1:${relayPort}`,
      path: `/${TRIGGERS}`,
      json: true,
      ...runs,
    });
    const autoRows = [];
    // A B B A: a linear drift of the machine over the four runs cancels out of the means.
    for (const on of [false, true, true, false]) {
      const origin = on ? autoCreateOrigin : ingressOrigin;
      autoRows.push({ on, r: await load({ origin, path: `/${ns}/all`, json: true, ...runs }) });
    }
    const { items: eventTypes } = await client.list({
      apiVersion: 'eventing.knative.dev/v1beta3',
      kind: 'EventType',
      namespace: ns,
    });
    const memory = {};
    for (const [name, { adminPort }] of Object.entries(apps)) memory[name] = await rss(adminPort);

    console.log(
      `broker benchmark: ingress → InMemoryChannel → broker-filter → subscriber, 1 KiB binary events, ${CONCURRENCY} concurrent senders, ${DURATION_MS} ms per run (+${WARMUP_MS} ms warm-up), median of ${ROUNDS} interleaved rounds, loopback, LOCAL_MODE`,
    );
    console.log('triggers matching  target       events/s   p50 ms   p99 ms  errors');
    for (const { broker, matching, relay: r, brk: b } of rows) {
      const label = `${matching} of ${brokers[broker].triggers}`.padStart(17);
      console.log(
        `${label}  node relay   ${fmt(r.eventsPerSec).padStart(8)}  ${fmt(r.p50, 2).padStart(7)}  ${fmt(r.p99, 2).padStart(7)}  ${r.errors}`,
      );
      console.log(
        `${label}  broker       ${fmt(b.eventsPerSec).padStart(8)}  ${fmt(b.p50, 2).padStart(7)}  ${fmt(b.p99, 2).padStart(7)}  ${b.errors}`,
      );
      console.log(
        `${label}  ratio broker/relay: throughput ${fmt(b.eventsPerSec / r.eventsPerSec, 2)}x, p50 ${fmt(b.p50 / r.p50, 2)}x, p99 ${fmt(b.p99 / r.p99, 2)}x`,
      );
    }
    const single = rows.find((r) => r.broker === 'single').brk;
    const one = rows.find((r) => r.broker === 'one').brk;
    console.log(
      `9 filtered-out Triggers: broker \`one\` (1 of ${TRIGGERS}) / broker \`single\` (1 of 1): throughput ${fmt(one.eventsPerSec / single.eventsPerSec, 2)}x, p50 ${fmt(one.p50 / single.p50, 2)}x`,
    );
    console.log(
      `eventtype-auto-create, broker \`all\` (${TRIGGERS} of ${TRIGGERS} matching), 1 KiB JSON data, runs off/on/on/off`,
    );
    console.log('auto-create        target       events/s   p50 ms   p99 ms  errors');
    const row = (label, r) =>
      console.log(
        `${label.padStart(17)}  ${label === 'node relay' ? '           ' : 'broker     '} ${fmt(r.eventsPerSec).padStart(8)}  ${fmt(r.p50, 2).padStart(7)}  ${fmt(r.p99, 2).padStart(7)}  ${r.errors}`,
      );
    row('node relay', autoRelay);
    for (const { on, r } of autoRows) row(on ? 'on' : 'off', r);
    const meanOf = (on, key) => {
      const xs = autoRows.filter((x) => x.on === on).map((x) => x.r[key]);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    for (const on of [false, true]) {
      console.log(
        `${(on ? 'on (mean)' : 'off (mean)').padStart(17)}  ratio broker/relay: throughput ${fmt(meanOf(on, 'eventsPerSec') / autoRelay.eventsPerSec, 2)}x, p50 ${fmt(meanOf(on, 'p50') / autoRelay.p50, 2)}x, p99 ${fmt(meanOf(on, 'p99') / autoRelay.p99, 2)}x`,
      );
    }
    console.log(
      `auto-create on/off: throughput ${fmt(meanOf(true, 'eventsPerSec') / meanOf(false, 'eventsPerSec'), 3)}x, p50 ${fmt(meanOf(true, 'p50') / meanOf(false, 'p50'), 3)}x; EventTypes created: ${eventTypes.length} (${eventTypes.map((et) => et.metadata.name).join(', ')})`,
    );
    console.log(
      `RSS after the runs: ${Object.entries(memory)
        .map(([name, bytes]) => `${name} ${mib(bytes)}`)
        .join(', ')}`,
    );
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    for (const name of [ns, system]) {
      await client.delete({ apiVersion: 'v1', kind: 'Namespace', name }).catch((err) => {
        if (!isNotFound(err)) throw err;
      });
    }
  }
}

await main();
