/* global console, process */
// Benchmark: the broker path, ingress → trigger channel (imc-dispatcher) → broker-filter →
// subscriber, 1 KiB binary events: sustained events/s, p50/p99 end-to-end latency and CPU
// per event (each data-plane app, and their sum), next to the minimal Node relay measured
// in the same run (fanning out to the same number of sinks), with V8's defaults and with the
// chart's Node flags, with the ratios, and each app's RSS after the run. The system is lib/broker-system.mjs.
//
// The ingress answers once the InMemoryChannel's synchronous fan-out is done, i.e. once
// broker-filter has answered for every trigger (after delivering to each matching
// subscriber), so the latency covers the whole path. Three brokers: `all` (10 matching
// triggers: 10 deliveries per event), `one` (1 matching + 9 filtered out, which
// imc-dispatcher's trigger prefilter answers without a request) and `single` (1 trigger).
//
// EventType auto-creation (config-features eventtype-auto-create) on and off in the same
// run: a second broker-ingress with FEATURE_EVENTTYPE_AUTO_CREATE=enabled serves the same
// brokers on a port of its own; runs with 1 KiB JSON data (which schema inference reads)
// alternate between the two ingresses, off/on/on/off, on broker `all`. The rest of the path
// is the same processes (a Broker's trigger channel registers nothing; the filter only
// registers replies, which these sinks do not send).
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

const TRIGGERS = 10;
const say = progress('broker');

async function main() {
  const { sinkPorts, relay, boundedRelay } = await startRelayAndSinks(TRIGGERS);
  const autoCreate = 'broker-ingress (auto-create on)';
  const system = await startBrokerSystem({
    extraApps: {
      [autoCreate]: { app: 'broker-ingress', env: { FEATURE_EVENTTYPE_AUTO_CREATE: 'enabled' } },
    },
  });
  const { client, ns, apps, ingressOrigin } = system;
  try {
    for (const [i, port] of sinkPorts.entries()) await registerLocal(client, ns, `sink-${i}`, port);
    // Broker `all`: every trigger matches. Broker `one`: only trigger 0 does. Broker
    // `single`: trigger 0 alone, what `one` costs next to it is what 9 filtered-out
    // Triggers cost.
    const brokers = {
      all: { triggers: TRIGGERS, typeOf: () => BENCH_TYPE },
      one: { triggers: TRIGGERS, typeOf: (i) => (i === 0 ? BENCH_TYPE : `other-${i}`) },
      single: { triggers: 1, typeOf: () => BENCH_TYPE },
    };
    for (const [broker, spec] of Object.entries(brokers)) {
      await createBroker(client, ns, broker, { ...spec, sinkOf: (i) => `sink-${i}` });
    }
    const triggerCount = Object.values(brokers).reduce((n, b) => n + b.triggers, 0);
    say(`waiting for ${triggerCount} Triggers to be Ready`);
    await untilAllReady(client, ns, {
      brokers: Object.keys(brokers).length,
      triggers: triggerCount,
    });
    for (const broker of Object.keys(brokers))
      await untilBrokerTakesEvents(ingressOrigin, ns, broker);

    const timing = {
      concurrency: settings.concurrency,
      durationMs: settings.durationMs,
      warmupMs: settings.warmupMs,
    };
    const relayTarget = (n, r = relay) => ({
      origin: r.origin,
      path: `/${n}`,
      cpuOf: { relay: r.pid },
    });
    const dataPlanePids = Object.fromEntries(dataPlane.map((name) => [name, apps[name].child.pid]));
    const brokerTarget = (broker) => ({
      origin: ingressOrigin,
      path: `/${ns}/${broker}`,
      cpuOf: dataPlanePids,
    });
    // Rounds of relay, broker for each case, the median of each figure: the first run
    // through a cold process is about half as fast (JIT), and a loaded machine drifts.
    const cases = [
      ['single', 1],
      ['all', TRIGGERS],
      ['one', 1],
    ];
    const samples = new Map(cases.map(([broker]) => [broker, { relay: [], bounded: [], brk: [] }]));
    await warmUp(
      say,
      cases.flatMap(([broker, matching]) => [
        relayTarget(matching),
        relayTarget(matching, boundedRelay),
        brokerTarget(broker),
      ]),
    );
    for (let round = 1; round <= settings.rounds; round++) {
      for (const [broker, matching] of cases) {
        const s = samples.get(broker);
        s.relay.push(await load({ ...timing, ...relayTarget(matching) }));
        s.bounded.push(await load({ ...timing, ...relayTarget(matching, boundedRelay) }));
        s.brk.push(await load({ ...timing, ...brokerTarget(broker) }));
        say(
          `round ${round}/${settings.rounds} ${broker}: relay ${fmt(s.relay.at(-1).eventsPerSec)} ev/s, at the chart's flags ${fmt(s.bounded.at(-1).eventsPerSec)} ev/s, broker ${fmt(s.brk.at(-1).eventsPerSec)} ev/s`,
        );
      }
    }
    const cpuOfPath = (r) => dataPlane.reduce((a, name) => a + r[`cpuMsPerEvent.${name}`], 0);
    const rows = cases.map(([broker, matching]) => {
      const brk = medianRun(samples.get(broker).brk);
      return {
        broker,
        matching,
        triggers: brokers[broker].triggers,
        relay: medianRun(samples.get(broker).relay),
        boundedRelay: medianRun(samples.get(broker).bounded),
        brk: { ...brk, cpuMsPerEvent: cpuOfPath(brk) },
      };
    });

    // Auto-create off/on/on/off on broker `all`, JSON data, next to the relay.
    const autoCreateOrigin = `http://127.0.0.1:${apps[autoCreate].httpPort}`;
    const autoRelay = await load({ ...timing, ...relayTarget(TRIGGERS), json: true });
    const autoRows = [];
    // A B B A: a linear drift of the machine over the four runs cancels out of the means.
    for (const on of [false, true, true, false]) {
      const origin = on ? autoCreateOrigin : ingressOrigin;
      say(`auto-create ${on ? 'on' : 'off'}`);
      autoRows.push({ on, r: await load({ ...timing, origin, path: `/${ns}/all`, json: true }) });
    }
    const { items: eventTypes } = await client.list({
      apiVersion: 'eventing.knative.dev/v1beta3',
      kind: 'EventType',
      namespace: ns,
    });
    const memory = {};
    for (const [name, { adminPort }] of Object.entries(apps))
      memory[name] = await rssBytes(adminPort);

    console.log(
      `broker benchmark: ingress → InMemoryChannel → broker-filter → subscriber, 1 KiB binary events, ${settings.concurrency} concurrent senders, ${settings.durationMs} ms per run (+${settings.warmupMs} ms warm-up), median of ${settings.rounds} interleaved rounds, loopback, LOCAL_MODE`,
    );
    console.log(
      'triggers matching  target        events/s   p50 ms   p99 ms  CPU ms/event  errors',
    );
    for (const { broker, matching, relay: r, boundedRelay: br, brk: b } of rows) {
      const label = `${matching} of ${brokers[broker].triggers}`.padStart(17);
      const line = (target, x, cpu) =>
        console.log(
          `${label}  ${target.padEnd(12)}  ${fmt(x.eventsPerSec).padStart(8)}  ${fmt(x.p50, 2).padStart(7)}  ${fmt(x.p99, 2).padStart(7)}  ${fmt(cpu, 3).padStart(12)}  ${x.errors}`,
        );
      line('node relay', r, r['cpuMsPerEvent.relay']);
      line('relay, chart', br, br['cpuMsPerEvent.relay']);
      line('broker', b, b.cpuMsPerEvent);
      const ratios = (x) =>
        `throughput ${fmt(b.eventsPerSec / x.eventsPerSec, 2)}x, p50 ${fmt(b.p50 / x.p50, 2)}x, p99 ${fmt(b.p99 / x.p99, 2)}x, CPU/event ${fmt(b.cpuMsPerEvent / x['cpuMsPerEvent.relay'], 2)}x`;
      console.log(`${label}  ratio broker/relay: ${ratios(r)}`);
      console.log(`${label}  ratio broker/relay at the chart's flags: ${ratios(br)}`);
      console.log(
        `${label}  CPU ms/event by app: ${dataPlane.map((name) => `${name} ${fmt(b[`cpuMsPerEvent.${name}`], 3)}`).join(', ')}`,
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
    writeResult('broker', { rows, autoCreate: { relay: autoRelay, runs: autoRows }, memory });
  } finally {
    await system.stop().finally(stopChildren);
  }
}

await main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
