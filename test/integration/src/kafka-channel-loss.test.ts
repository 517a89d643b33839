import {
  eventRequest,
  kafkaChannel,
  kafkaServer,
  ready,
  startKafkaEventing,
  startRecorder,
  subscription,
  type KafkaEventing,
  type Recorder,
} from './kafka-eventing.js';
import { eventually } from './local-cluster.js';
import { post, registerLocalService } from './local-eventing.js';

// The loss test of DESIGN.md §7: a steady stream into a 3-partition KafkaChannel with two
// subscribers; mid-stream the dispatcher is killed with SIGKILL and restarted, then Kafka
// is restarted once. Every event answered 202 must reach each subscriber at least once.
// LOSS_EVENTS and LOSS_SECONDS make it longer (`npm run loss:kafka`).

const TOTAL = Number(process.env['LOSS_EVENTS'] ?? 3000);
const SECONDS = Number(process.env['LOSS_SECONDS'] ?? 40);
const WORKERS = 8;
const SUB = ['messaging.knative.dev/v1', 'Subscription'] as const;

describe('KafkaChannel loses nothing it accepted', () => {
  let sys: KafkaEventing;
  const recorders: Recorder[] = [];

  beforeAll(async () => {
    sys = await startKafkaEventing({ PRODUCE_TIMEOUT_MS: '3000' });
  }, 120_000);

  afterAll(async () => {
    await kafkaServer('start');
    await Promise.all(recorders.map((r) => r.close()));
    await sys?.stop();
  }, 120_000);

  it(
    `${TOTAL} events, SIGKILL of the dispatcher and a Kafka restart: lost = 0`,
    async () => {
      const ns = await sys.namespace('itest-kc-loss');
      const subs: Recorder[] = [];
      for (const name of ['sub-a', 'sub-b']) {
        const r = await startRecorder();
        recorders.push(r);
        subs.push(r);
        await registerLocalService(sys.client, ns, name, r.port);
      }
      await sys.client.create(kafkaChannel(ns, 'stream', { numPartitions: 3 }));
      await sys.client.create(subscription(ns, 'a', 'stream', 'sub-a'));
      await sys.client.create(subscription(ns, 'b', 'stream', 'sub-b'));
      await ready(sys.client, ...SUB, ns, 'a');
      await ready(sys.client, ...SUB, ns, 'b');

      const accepted = new Set<string>();
      const refused = new Map<string, number>();
      let sent = 0;
      const pauseMs = (SECONDS * 1000 * WORKERS) / TOTAL;
      const log = (msg: string) => process.stdout.write(`[loss] ${msg}\n`);
      const worker = async () => {
        while (sent < TOTAL) {
          const id = `loss-${sent++}`;
          const { headers, body } = eventRequest(id, { partitionkey: `k${sent % 17}` });
          try {
            const res = await post(`http://127.0.0.1:${sys.port}/${ns}/stream`, headers, body);
            if (res.status === 202) accepted.add(id);
            else refused.set(String(res.status), (refused.get(String(res.status)) ?? 0) + 1);
          } catch {
            // The dispatcher is down (killed): nothing was accepted, nothing can be lost.
            refused.set('connection', (refused.get('connection') ?? 0) + 1);
          }
          await new Promise((r) => setTimeout(r, pauseMs));
        }
      };
      const until = (fraction: number) =>
        eventually(
          `${fraction * 100}% sent`,
          async () => (sent >= TOTAL * fraction ? true : undefined),
          SECONDS * 4000,
        );
      const chaos = async () => {
        await until(0.25);
        log(`sent ${sent}: SIGKILL the dispatcher`);
        await sys.restartDispatcher(true);
        log(`sent ${sent}: dispatcher restarted`);
        await until(0.55);
        log(`sent ${sent}: restarting Kafka`);
        await kafkaServer('stop');
        await kafkaServer('start');
        log(`sent ${sent}: Kafka back`);
      };
      const started = Date.now();
      await Promise.all([...Array.from({ length: WORKERS }, worker), chaos()]);
      log(`stream done in ${((Date.now() - started) / 1000).toFixed(1)} s; waiting for deliveries`);

      const missing = (r: Recorder) => {
        const seen = new Set(r.events.map((e) => e.attributes['id']));
        return [...accepted].filter((id) => !seen.has(id));
      };
      // On timeout the counts below say what is missing, so the wait itself may fail silently.
      await eventually(
        'every accepted event at both subscribers',
        async () => (subs.every((r) => missing(r).length === 0) ? true : undefined),
        120_000,
      ).catch((err: unknown) => log(String(err)));

      const report = subs.map((r, i) => {
        const ids = r.events
          .map((e) => e.attributes['id'] as string)
          .filter((id) => id.startsWith('loss-'));
        const unique = new Set(ids);
        return {
          subscriber: i === 0 ? 'sub-a' : 'sub-b',
          delivered: unique.size,
          lost: missing(r).length,
          duplicates: ids.length - unique.size,
        };
      });
      log(
        `sent ${sent}, accepted ${accepted.size}, refused ${JSON.stringify(Object.fromEntries(refused))}; ` +
          report
            .map(
              (s) =>
                `${s.subscriber}: delivered ${s.delivered}, lost ${s.lost}, duplicates ${s.duplicates}`,
            )
            .join('; '),
      );
      expect(sent).toBe(TOTAL);
      // The stream must have gone through both failures, or the test proves nothing.
      expect(accepted.size).toBeGreaterThan(TOTAL / 2);
      expect(refused.size).toBeGreaterThan(0);
      expect(report.map((s) => s.lost)).toEqual([0, 0]);
    },
    (SECONDS + 300) * 1000,
  );
});
