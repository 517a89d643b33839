/* global clearInterval, console, fetch, process, setInterval, setTimeout */
// Benchmark: KafkaChannel end to end, from the sender's POST to the subscriber, through
// kafka-channel-dispatcher (its built dist/main.js as its own process, with its
// Deployment's Node flags) and the real Kafka of the local control plane (npm run
// cluster:up), at fan-out 1 and 4 with 1 KiB events and an idempotent producer with
// acks=all; next to the raw Node relay measured in the same run on the same machine.
//
// The bench plays the controller's part itself (no controller needed): it creates each
// topic, writes the KafkaChannel with spec.subscribers and marks its TopicReady. The
// sustained rate is accepted events / time until the last subscriber got the last one;
// latency is per event, from just before the POST to its arrival at a subscriber.
//
// Then memory under lag: channel `lag` has one subscriber that takes 100 ms per event, so
// its ordered consumer delivers about 10 events/s per partition while the senders store
// hundreds per second; the dispatcher's RSS is sampled while the backlog grows. It must
// stay flat however long the backlog: fetches are bounded in bytes, deliveries in number.
import { execFileSync } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import { join } from 'node:path';
import { createKubeClient, isNotFound, loadKubeConfig } from '@knative-ts/kube';
import { Kafka, logLevel } from 'kafkajs';
import {
  firstJson,
  fmt,
  freePort,
  repo,
  rssBytes,
  spawnApp,
  spawnNode,
  stopChildren,
  until,
  writeResult,
} from './lib/harness.mjs';
import { load } from './lib/load.mjs';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5000);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const PARTITIONS = Number(process.env.BENCH_KAFKA_PARTITIONS ?? 8);
const FANOUTS = [1, 4];
const LAG_MS = Number(process.env.BENCH_KAFKA_LAG_MS ?? 15_000);
const SLOW_SINK_MS = 100;
const KC = 'messaging.knative.dev/v1beta1';

const rssMiB = async (adminPort) => (await rssBytes(adminPort)) / 2 ** 20;

async function main() {
  const kubeconfig = process.env.KUBECONFIG ?? join(repo, '.local/kubeconfig');
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  if (brokers.length === 0)
    throw new Error('KAFKA_BROKERS is not set: source .local/env after npm run cluster:up');
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
      join(repo, 'deploy/300-kafka-channel.yaml'),
    ],
    {
      env: { ...process.env, KUBECONFIG: kubeconfig },
      stdio: 'ignore',
    },
  );
  const kafka = new Kafka({ clientId: 'bench', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ns = `bench-kc-${Date.now().toString(36)}`;
  const topics = [...FANOUTS.map((n) => `fan${n}`), 'lag'].map(
    (name) => `knative-messaging-kafka.${ns}.${name}`,
  );
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  try {
    const sinks = spawnNode([
      join(repo, 'bench/lib/timed-sinks-stats.mjs'),
      String(Math.max(...FANOUTS)),
    ]);
    const { ports } = await firstJson(sinks.lines, (e) => Array.isArray(e.ports));
    const stats = async (reset = false) => {
      const res = await fetch(`http://127.0.0.1:${ports[0]}/stats`, {
        method: reset ? 'DELETE' : 'GET',
      });
      return reset ? undefined : res.json();
    };
    let slowCount = 0;
    const slowSink = createHttpServer((req, res) => {
      req.resume();
      req.on('end', () =>
        setTimeout(() => {
          slowCount++;
          res.writeHead(202).end();
        }, SLOW_SINK_MS),
      );
    });
    await new Promise((r) => slowSink.listen(0, '127.0.0.1', r));
    const relay = spawnNode([join(repo, 'bench/lib/relay.mjs'), JSON.stringify(ports)]);
    const { port: relayPort } = await firstJson(relay.lines, (e) => typeof e.port === 'number');

    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 1 })),
    });
    const channels = [
      ...FANOUTS.map((n) => ({
        name: `fan${n}`,
        subscribers: ports.slice(0, n).map((p, i) => ({
          uid: `bench-${n}-${i}`,
          generation: 1,
          subscriberUri: `http://127.0.0.1:${p}/`,
        })),
      })),
      {
        name: 'lag',
        subscribers: [
          {
            uid: 'bench-lag-0',
            generation: 1,
            subscriberUri: `http://127.0.0.1:${slowSink.address().port}/`,
          },
        ],
      },
    ];
    for (const { name, subscribers } of channels) {
      const created = await client.create({
        apiVersion: KC,
        kind: 'KafkaChannel',
        metadata: { namespace: ns, name },
        spec: { numPartitions: PARTITIONS, replicationFactor: 1, subscribers },
      });
      await client.updateStatus({
        ...created,
        status: {
          conditions: [
            {
              type: 'TopicReady',
              status: 'True',
              lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
            },
          ],
        },
      });
    }
    const httpPort = await freePort();
    const dispatcher = spawnApp('kafka-channel-dispatcher', {
      KUBECONFIG: kubeconfig,
      KAFKA_BROKERS: brokers.join(','),
      HTTP_PORT: String(httpPort),
      ADMIN_PORT: '0',
      LOG_LEVEL: 'info',
    });
    const { port: adminPort } = await firstJson(
      dispatcher.lines,
      (e) => e.msg === 'admin server listening',
      30_000,
    );
    dispatcher.lines.on('line', () => {}); // keep draining its log
    const origin = `http://127.0.0.1:${httpPort}`;
    const groups = channels.flatMap(({ name, subscribers }) =>
      subscribers.map((sub) => `kafka.${ns}.${name}.${sub.uid}`),
    );
    await until('every consumer group to consume', async () => {
      const { groups: described } = await admin.describeGroups(groups);
      return described.every((g) => g.state === 'Stable' && g.members.length > 0);
    });

    const rows = [];
    for (const n of FANOUTS) {
      const path = `/${ns}/fan${n}`;
      const common = { concurrency: CONCURRENCY, durationMs: DURATION_MS, warmupMs: WARMUP_MS };
      const relayResult = await load({
        origin: `http://127.0.0.1:${relayPort}`,
        path: `/${n}`,
        ...common,
      });
      // Warm the path (producer batches, consumer fetches), let it drain, then measure.
      await load({ origin, path, concurrency: CONCURRENCY, durationMs: WARMUP_MS, warmupMs: 0 });
      await new Promise((r) => setTimeout(r, 2000));
      await stats(true);
      const started = Date.now();
      const kc = await load({
        origin,
        path,
        concurrency: CONCURRENCY,
        durationMs: DURATION_MS,
        warmupMs: 0,
        extraHeaders: () => ({ 'ce-benchsent': String(Date.now()) }),
      });
      let s;
      await until(
        `fan-out ${n}: every accepted event at every subscriber`,
        async () => {
          s = await stats();
          return s.counts.slice(0, n).every((c) => c >= kc.accepted);
        },
        120_000,
      );
      const seconds = (s.lastAt - started) / 1000;
      rows.push({
        n,
        relay: relayResult,
        kc,
        rate: kc.accepted / seconds,
        p50: s.p50,
        p99: s.p99,
        rss: await rssMiB(adminPort),
      });
    }

    // Memory under lag: store as fast as the senders go into `lag`, sampling RSS.
    console.error(
      `[bench kafka] memory under lag: ${LAG_MS} ms of load on a 100 ms/event subscriber`,
    );
    const lagBefore = await rssMiB(adminPort);
    let lagPeak = lagBefore;
    const sampler = setInterval(() => {
      void rssMiB(adminPort).then((v) => (lagPeak = Math.max(lagPeak, v)));
    }, 250);
    const lagLoad = await load({
      origin,
      path: `/${ns}/lag`,
      concurrency: CONCURRENCY,
      durationMs: LAG_MS,
      warmupMs: 0,
    });
    clearInterval(sampler);
    const lagAfter = await rssMiB(adminPort);
    const lag = {
      accepted: lagLoad.accepted,
      delivered: slowCount,
      before: lagBefore,
      peak: lagPeak,
      after: lagAfter,
    };
    dispatcher.child.kill('SIGTERM');
    slowSink.close();

    console.log(
      `kafka-channel-dispatcher benchmark: 1 KiB binary events, ${CONCURRENCY} concurrent senders, ${DURATION_MS} ms per run, ` +
        `${PARTITIONS} partitions, ordered, idempotent producer acks=all, single-node Kafka, loopback`,
    );
    console.log('fan-out  target          events/s   p50 ms   p99 ms  errors  rss MiB');
    for (const { n, relay: r, kc, rate, p50, p99, rss } of rows) {
      console.log(
        `${String(n).padStart(7)}  node relay      ${fmt(r.eventsPerSec).padStart(8)}  ${fmt(r.p50, 2).padStart(7)}  ${fmt(r.p99, 2).padStart(7)}  ${String(r.errors).padStart(6)}`,
      );
      console.log(
        `${String(n).padStart(7)}  KafkaChannel    ${fmt(rate).padStart(8)}  ${fmt(p50, 2).padStart(7)}  ${fmt(p99, 2).padStart(7)}  ${String(kc.errors).padStart(6)}  ${fmt(rss).padStart(7)}`,
      );
      console.log(
        `${String(n).padStart(7)}  ratio kafka/relay: throughput ${fmt(rate / r.eventsPerSec, 2)}x, p50 ${fmt(p50 / r.p50, 2)}x, p99 ${fmt(p99 / r.p99, 2)}x ` +
          `(ingress alone: ${fmt(kc.eventsPerSec)} ev/s, p50 ${fmt(kc.p50, 2)} ms until the 202)`,
      );
    }
    console.log(
      `memory under lag (1 subscriber at ${SLOW_SINK_MS} ms/event, ${PARTITIONS} partitions, ordered): ` +
        `${lag.accepted} stored in ${LAG_MS} ms, ${lag.delivered} delivered, backlog ${lag.accepted - lag.delivered} events; ` +
        `dispatcher RSS ${fmt(lag.before)} MiB before, peak ${fmt(lag.peak)} MiB, ${fmt(lag.after)} MiB at the end`,
    );
    writeResult('kafka-channel', { rows, lag });
  } finally {
    stopChildren();
    await client.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }).catch((err) => {
      if (!isNotFound(err)) throw err;
    });
    await admin
      .deleteTopics({ topics })
      .catch((err) => console.error(`could not delete the bench topics: ${err.message}`));
    await admin.disconnect();
  }
}

await main();
