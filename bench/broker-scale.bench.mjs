/* global console, process */
// Benchmark: what the number of Triggers on one Broker costs. Brokers with 1, 10, 100 and
// 1,000 Triggers, of which exactly one matches the events sent (the others filter on other
// types, so each costs no request: imc-dispatcher's prefilter answers for them, and the
// matching one is served in-process). For each: events/s, p50/p99 and CPU per event of the
// data-plane apps, next to the relay posting to one sink in the same rounds, and each
// app's RSS after the broker's runs; then the eventing-controller's RSS with all the
// Triggers (and their Subscriptions and channels) reconciled. The system is
// lib/broker-system.mjs; BENCH_SCALE_TRIGGERS overrides the sizes (comma-separated).
import {
  BENCH_TYPE,
  createBroker,
  dataPlane,
  registerLocal,
  startBrokerSystem,
  untilAllReady,
  untilBrokerTakesEvents,
} from './lib/broker-system.mjs';
import {
  fmt,
  medianRun,
  mib,
  progress,
  rssBytes,
  settings,
  startRelayAndSinks,
  stopChildren,
  warmUp,
  writeResult,
} from './lib/harness.mjs';
import { load } from './lib/load.mjs';

const SIZES = (process.env.BENCH_SCALE_TRIGGERS ?? '1,10,100,1000').split(',').map(Number);
const say = progress('broker-scale');

async function main() {
  const { sinkPorts, relay } = await startRelayAndSinks(1);
  const system = await startBrokerSystem();
  const { client, ns, apps, ingressOrigin } = system;
  try {
    await registerLocal(client, ns, 'sink-0', sinkPorts[0]);
    const controllerIdle = await rssBytes(apps['eventing-controller'].adminPort);
    const total = SIZES.reduce((a, b) => a + b, 0);
    for (const n of SIZES) {
      say(`creating broker t${n} with ${n} Trigger(s)`);
      await createBroker(client, ns, `t${n}`, {
        triggers: n,
        typeOf: (i) => (i === 0 ? BENCH_TYPE : `other-${i}`),
        sinkOf: () => 'sink-0',
      });
    }
    say(`waiting for ${total} Triggers to be Ready`);
    const readyStarted = Date.now();
    await untilAllReady(client, ns, { brokers: SIZES.length, triggers: total }, 900_000);
    const readyAfterMs = Date.now() - readyStarted;
    say(`all Ready after ${fmt(readyAfterMs / 1000, 1)} s`);
    for (const n of SIZES) await untilBrokerTakesEvents(ingressOrigin, ns, `t${n}`);
    const controllerLoaded = await rssBytes(apps['eventing-controller'].adminPort);

    const timing = {
      concurrency: settings.concurrency,
      durationMs: settings.durationMs,
      warmupMs: settings.warmupMs,
    };
    const pids = Object.fromEntries(dataPlane.map((name) => [name, apps[name].child.pid]));
    const samples = new Map(SIZES.map((n) => [n, { relay: [], brk: [] }]));
    const memory = new Map();
    await warmUp(say, [
      { origin: relay.origin, path: '/1' },
      ...SIZES.map((n) => ({ origin: ingressOrigin, path: `/${ns}/t${n}` })),
    ]);
    for (let round = 1; round <= settings.rounds; round++) {
      for (const n of SIZES) {
        const s = samples.get(n);
        s.relay.push(
          await load({
            ...timing,
            origin: relay.origin,
            path: '/1',
            cpuOf: { relay: relay.pid },
          }),
        );
        s.brk.push(
          await load({ ...timing, origin: ingressOrigin, path: `/${ns}/t${n}`, cpuOf: pids }),
        );
        const rss = {};
        for (const name of dataPlane) rss[name] = await rssBytes(apps[name].adminPort);
        memory.set(n, rss);
        say(
          `round ${round}/${settings.rounds} ${n} Trigger(s): relay ${fmt(s.relay.at(-1).eventsPerSec)} ev/s, broker ${fmt(s.brk.at(-1).eventsPerSec)} ev/s`,
        );
      }
    }
    const rows = SIZES.map((n) => {
      const brk = medianRun(samples.get(n).brk);
      brk.cpuMsPerEvent = dataPlane.reduce((a, name) => a + brk[`cpuMsPerEvent.${name}`], 0);
      return { triggers: n, relay: medianRun(samples.get(n).relay), brk, rss: memory.get(n) };
    });
    const base = rows[0].brk;
    console.log(
      `broker scale benchmark: one Broker per size, 1 matching Trigger, 1 KiB binary events, ${settings.concurrency} concurrent senders, ${settings.durationMs} ms per run (+${settings.warmupMs} ms warm-up), median of ${settings.rounds} interleaved rounds, loopback, LOCAL_MODE`,
    );
    console.log(
      'triggers  relay ev/s  broker ev/s  broker/relay  vs 1 Trigger  p99 ms  CPU ms/event  RSS imc / ingress / filter',
    );
    for (const { triggers, relay: r, brk: b, rss } of rows) {
      console.log(
        `${String(triggers).padStart(8)}  ${fmt(r.eventsPerSec).padStart(10)}  ${fmt(b.eventsPerSec).padStart(11)}  ${fmt(b.eventsPerSec / r.eventsPerSec, 2).padStart(11)}x  ${fmt(b.eventsPerSec / base.eventsPerSec, 2).padStart(11)}x  ${fmt(b.p99, 2).padStart(6)}  ${fmt(b.cpuMsPerEvent, 3).padStart(12)}  ${dataPlane.map((name) => mib(rss[name])).join(' / ')}`,
      );
    }
    console.log(
      `eventing-controller RSS: ${mib(controllerIdle)} before the Brokers, ${mib(controllerLoaded)} with ${SIZES.length} Brokers and ${total} Triggers Ready (all Ready ${fmt(readyAfterMs / 1000, 1)} s after the last create)`,
    );
    writeResult('broker-scale', { rows, controllerIdle, controllerLoaded, readyAfterMs });
  } finally {
    await system.stop().finally(stopChildren);
  }
}

await main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
