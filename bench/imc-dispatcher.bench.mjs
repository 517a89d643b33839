/* global console, fetch, process, setTimeout */
// Benchmark: imc-dispatcher next to a minimal Node HTTP relay, in the same run on the same
// machine, 1 KiB binary events, synchronous fan-out (so latency covers delivery to every
// sink). Every case runs in interleaved rounds (relay, dispatcher, relay, dispatcher, ...)
// and reports the median of each figure:
//   - closed loop at fan-out 1 and 10: events/s, p50/p99, CPU ms per event of the relay or
//     the dispatcher process; the relay twice, with V8's defaults and with the chart's Node
//     flags (the dispatcher's), so that the cost of the code and of the memory bound show
//     apart;
//   - open loop at 2,000 events/s (and at 70 % of the dispatcher's own closed-loop capacity):
//     latency from each event's intended send time, p50/p99/p99.9;
//   - scale: the same closed-loop load spread over 1, 10 and 100 channels;
//   - the dispatcher's RSS idle (channels loaded, before any event) and after the load.
//
// Channels reach the dispatcher through the real API server of the local control plane
// (npm run cluster:up): the bench writes InMemoryChannels with spec.subscribers directly
// (no controller needed); the dispatcher's informer loads them once, so the hot path does
// no cluster lookups (LOCAL_MODE off; sinks are plain 127.0.0.1 URLs).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createKubeClient, isNotFound, loadKubeConfig } from '@knative-ts/kube';
import {
  fmt,
  freePort,
  medianRun,
  mib,
  progress,
  repo,
  settings,
  spawnApp,
  startRelayAndSinks,
  stopChildren,
  until,
  warmUp,
  writeResult,
} from './lib/harness.mjs';
import { sweepStaleBenchNamespaces } from './lib/bench-namespaces.mjs';
import { load } from './lib/load.mjs';
import { rssOfPid } from './lib/process-stats.mjs';

const FANOUTS = [1, 10];
const CHANNEL_COUNTS = [1, 10, 100];
const OPEN_LOOP_RATE = 2000;
const messaging = 'messaging.knative.dev/v1';
const say = progress('imc');

async function main() {
  const kubeconfig = process.env.KUBECONFIG ?? join(repo, '.local/admin.kubeconfig');
  const kenv = { ...process.env, KUBECONFIG: kubeconfig };
  const client = createKubeClient(loadKubeConfig({ env: kenv }));
  await sweepStaleBenchNamespaces(client, { env: kenv, say });
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
    { env: kenv, stdio: 'ignore' },
  );
  const ns = `bench-imc-${Date.now().toString(36)}`;
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  try {
    const {
      sinkPorts: ports,
      relay,
      boundedRelay,
    } = await startRelayAndSinks(Math.max(...FANOUTS));

    const subscribers = (name, n) =>
      ports.slice(0, n).map((p, i) => ({
        uid: `${name}-${i}`,
        generation: 1,
        subscriberUri: `http://127.0.0.1:${p}/`,
      }));
    const channels = [
      ...FANOUTS.map((n) => `fan${n}`),
      ...Array.from({ length: Math.max(...CHANNEL_COUNTS) }, (_, i) => `scale-${i}`),
    ];
    say(`writing ${channels.length} InMemoryChannels`);
    for (const name of channels) {
      const n = name.startsWith('fan') ? Number(name.slice(3)) : 1;
      await until('the API server to take the channel', async () => {
        await client.create({
          apiVersion: messaging,
          kind: 'InMemoryChannel',
          metadata: { namespace: ns, name },
          spec: { subscribers: subscribers(name, n) },
        });
        return true;
      });
    }
    const httpPort = await freePort();
    const dispatcher = spawnApp('imc-dispatcher', {
      KUBECONFIG: kubeconfig,
      HTTP_PORT: String(httpPort),
      ADMIN_PORT: '0',
      LOG_LEVEL: 'warn',
    });
    const dispatcherOrigin = `http://127.0.0.1:${httpPort}`;
    say('waiting for every channel to be routed');
    for (const name of channels) {
      await until(`channel ${name} to be routed`, async () => {
        const res = await fetch(`${dispatcherOrigin}/${ns}/${name}`, {
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
    // Idle: channels loaded and a few probes through, GC settled.
    await new Promise((r) => setTimeout(r, 2000));
    const rssIdle = rssOfPid(dispatcher.child.pid);

    const relayTarget = (n, r = relay) => ({
      origin: r.origin,
      path: `/${n}`,
      cpuOf: { relay: r.pid },
    });
    const imcTarget = (paths) => ({
      origin: dispatcherOrigin,
      paths,
      cpuOf: { dispatcher: dispatcher.child.pid },
    });
    const timing = {
      durationMs: settings.durationMs,
      warmupMs: settings.warmupMs,
      concurrency: settings.concurrency,
    };
    let warmedUp = false;
    /** `rounds` of A B for each case (after one warm-up of the first cases); the medians. */
    const interleaved = async (label, cases) => {
      const samples = cases.map(() => []);
      if (!warmedUp) await warmUp(say, cases);
      warmedUp = true;
      for (let round = 1; round <= settings.rounds; round++) {
        for (const [i, c] of cases.entries()) {
          const r = await load({ ...timing, ...c });
          samples[i].push(r);
          say(
            `${label} round ${round}/${settings.rounds} ${c.name}: ${fmt(r.eventsPerSec)} ev/s, p99 ${fmt(r.p99, 2)} ms`,
          );
        }
      }
      return samples.map(medianRun);
    };

    const closed = [];
    for (const n of FANOUTS) {
      const [r, b, d] = await interleaved(`closed fan-out ${n}`, [
        { name: 'relay', ...relayTarget(n) },
        { name: 'relay, chart flags', ...relayTarget(n, boundedRelay) },
        { name: 'imc', ...imcTarget([`/${ns}/fan${n}`]) },
      ]);
      closed.push({ fanout: n, relay: r, boundedRelay: b, imc: d });
    }
    const capacity = closed[0].imc.eventsPerSec;
    const open = [];
    for (const rate of [OPEN_LOOP_RATE, Math.round(0.7 * capacity)]) {
      const [r, b, d] = await interleaved(`open ${rate} ev/s`, [
        { name: 'relay', rate, ...relayTarget(1) },
        { name: 'relay, chart flags', rate, ...relayTarget(1, boundedRelay) },
        { name: 'imc', rate, ...imcTarget([`/${ns}/fan1`]) },
      ]);
      open.push({ rate, relay: r, boundedRelay: b, imc: d });
    }
    const scale = [];
    for (const count of CHANNEL_COUNTS) {
      const paths = Array.from({ length: count }, (_, i) => `/${ns}/scale-${i}`);
      const [d] = await interleaved(`${count} channel(s)`, [{ name: 'imc', ...imcTarget(paths) }]);
      scale.push({ channels: count, imc: d, rss: rssOfPid(dispatcher.child.pid) });
    }
    const rssAfter = rssOfPid(dispatcher.child.pid);
    dispatcher.child.kill('SIGTERM');

    const head = `${settings.concurrency} concurrent senders (closed loop), ${settings.durationMs} ms per run (+${settings.warmupMs} ms warm-up), median of ${settings.rounds} interleaved rounds, loopback`;
    console.log(`imc-dispatcher benchmark: 1 KiB binary events, ${head}`);
    console.log('closed loop  target          events/s   p50 ms   p99 ms  CPU ms/event  errors');
    const cpu = (r) => r['cpuMsPerEvent.relay'] ?? r['cpuMsPerEvent.dispatcher'];
    const line = (label, target, r) =>
      console.log(
        `${label.padStart(11)}  ${target.padEnd(14)}  ${fmt(r.eventsPerSec).padStart(8)}  ${fmt(r.p50, 2).padStart(7)}  ${fmt(r.p99, 2).padStart(7)}  ${fmt(cpu(r), 3).padStart(12)}  ${r.errors}`,
      );
    for (const { fanout, relay: r, boundedRelay: b, imc: d } of closed) {
      const label = `fan-out ${fanout}`.padStart(11);
      line(label, 'node relay', r);
      line(label, 'relay, chart', b);
      line(label, 'imc-dispatcher', d);
      const ratios = (x) =>
        `throughput ${fmt(d.eventsPerSec / x.eventsPerSec, 2)}x, p50 ${fmt(d.p50 / x.p50, 2)}x, p99 ${fmt(d.p99 / x.p99, 2)}x, CPU/event ${fmt(cpu(d) / cpu(x), 2)}x`;
      console.log(`${label}  ratio imc/relay: ${ratios(r)}`);
      console.log(`${label}  ratio imc/relay at the chart's flags: ${ratios(b)}`);
    }
    console.log('open loop (latency from the intended send time), fan-out 1');
    console.log('     ev/s  target          p50 ms   p99 ms  p99.9 ms  missed  errors');
    for (const { rate, relay: r, boundedRelay: b, imc: d } of open) {
      for (const [target, x] of [
        ['node relay', r],
        ['relay, chart', b],
        ['imc-dispatcher', d],
      ]) {
        console.log(
          `${String(rate).padStart(9)}  ${target.padEnd(14)}  ${fmt(x.p50, 2).padStart(6)}  ${fmt(x.p99, 2).padStart(7)}  ${fmt(x.p999, 2).padStart(8)}  ${String(x.missed).padStart(6)}  ${x.errors}`,
        );
      }
      console.log(
        `${String(rate).padStart(9)}  ratio imc/relay: p50 ${fmt(d.p50 / r.p50, 2)}x, p99 ${fmt(d.p99 / r.p99, 2)}x${rate === OPEN_LOOP_RATE ? '' : ` (70 % of the dispatcher's closed-loop ${fmt(capacity)} ev/s)`}`,
      );
      console.log(
        `${String(rate).padStart(9)}  ratio imc/relay at the chart's flags: p50 ${fmt(d.p50 / b.p50, 2)}x, p99 ${fmt(d.p99 / b.p99, 2)}x`,
      );
    }
    console.log('scale: the closed-loop load spread over N channels of fan-out 1');
    console.log(' channels  events/s   p99 ms  CPU ms/event  RSS after');
    for (const { channels: count, imc: d, rss } of scale) {
      console.log(
        `${String(count).padStart(9)}  ${fmt(d.eventsPerSec).padStart(8)}  ${fmt(d.p99, 2).padStart(7)}  ${fmt(cpu(d), 3).padStart(12)}  ${mib(rss)}`,
      );
    }
    console.log(
      `imc-dispatcher RSS: idle ${mib(rssIdle)} (${channels.length} channels loaded), after the load ${mib(rssAfter)}; relay after the load ${mib(rssOfPid(relay.pid))}, at the chart's flags (${boundedRelay.nodeFlags.join(' ')}) ${mib(rssOfPid(boundedRelay.pid))}`,
    );
    writeResult('imc-dispatcher', { closed, open, scale, rssIdle, rssAfter });
  } finally {
    stopChildren();
    await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }).catch((err) => {
      if (!isNotFound(err)) throw err;
    });
  }
}

await main();
