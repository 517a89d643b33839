import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEventServer, type EventServer } from '@knative-ts/delivery/testing';
import { isNotFound, type KubeObject } from '@knative-ts/kube';
import { installCrds } from './crds.js';
import { eventually, uniqueName } from './local-cluster.js';
import { post, startLocalEventing, type LocalEventing } from './local-eventing.js';

// The loss test of a durable channel (DESIGN.md §7): a steady stream of events into a
// NatssChannel with two subscribers; mid-stream the dispatcher is SIGKILLed and restarted,
// later the NATS server itself is restarted (file storage). The producer retries what was
// not answered 202, as a producer should. Every event answered 202 must reach each
// subscriber at least once. LOSS_EVENTS and LOSS_RATE size it (default 3000 events at
// 100/s, about 30 s of sending); `npm run loss:nats` runs a longer stream.

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const dispatcher = 'natss-channel-dispatcher';
const TOTAL = Number(process.env['LOSS_EVENTS'] ?? 3000);
const RATE = Number(process.env['LOSS_RATE'] ?? 100);
const MAX_IN_FLIGHT = 64;

/** Runs test/cluster/nats.sh with `action`, with this process's ports. */
function natsServer(action: 'restart'): Promise<void> {
  return new Promise((ok, fail) => {
    const child = spawn('bash', [join(repo, 'test/cluster/nats.sh'), action], { stdio: 'inherit' });
    child.on('error', fail);
    child.on('exit', (code) =>
      code === 0 ? ok() : fail(new Error(`nats.sh ${action} exited ${code}`)),
    );
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('NatssChannel loss test', () => {
  let eventing: LocalEventing;
  const ns = uniqueName('itest-loss');
  const sinks: EventServer[] = [];

  beforeAll(async () => {
    await installCrds();
    eventing = await startLocalEventing({
      prefix: 'itest-loss-sys',
      channelApps: [{ app: dispatcher, service: dispatcher }],
    });
    await eventing.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    for (let i = 0; i < 2; i++) sinks.push(await startEventServer(() => ({ status: 202 })));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(sinks.map((s) => s.close()));
    await eventing.client
      .delete({ apiVersion: 'v1', kind: 'Namespace', name: ns })
      .catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    await eventing?.stop();
  }, 60_000);

  it(
    `delivers every accepted event of ${TOTAL} at least once across a dispatcher SIGKILL and a NATS restart`,
    async () => {
      const client = eventing.client;
      await client.create({
        apiVersion: 'messaging.knative.dev/v1alpha1',
        kind: 'NatssChannel',
        metadata: { namespace: ns, name: 'loss' },
        // A short AckWait: what the killed dispatcher held is redelivered within seconds.
        spec: {
          stream: { config: { storage: 'File' } },
          consumerConfigTemplate: { ackWait: '3s' },
        },
      } as KubeObject);
      for (const [i, sink] of sinks.entries()) {
        await client.create({
          apiVersion: 'messaging.knative.dev/v1',
          kind: 'Subscription',
          metadata: { namespace: ns, name: `sub-${i}` },
          spec: {
            channel: {
              apiVersion: 'messaging.knative.dev/v1alpha1',
              kind: 'NatssChannel',
              name: 'loss',
            },
            subscriber: { uri: sink.url },
            delivery: { retry: 5, backoffPolicy: 'linear', backoffDelay: 'PT0.2S' },
          },
        } as KubeObject);
      }
      await eventually(
        'the channel Ready with both consumers',
        async () => {
          const c = await client.get<
            KubeObject & { status?: { subscribers?: Array<{ ready?: string }> } }
          >({
            apiVersion: 'messaging.knative.dev/v1alpha1',
            kind: 'NatssChannel',
            namespace: ns,
            name: 'loss',
          });
          const subs = c.status?.subscribers ?? [];
          return subs.length === 2 && subs.every((s) => s.ready === 'True') ? true : undefined;
        },
        60_000,
      );

      const port = () => eventing.channelApps[dispatcher]?.port ?? 0;
      const accepted = new Set<string>();
      let attempts = 0;
      let refusals = 0;
      const send = async (id: string): Promise<void> => {
        for (;;) {
          attempts++;
          try {
            const res = await post(
              `http://127.0.0.1:${port()}/${ns}/loss`,
              {
                'content-type': 'application/json',
                'ce-specversion': '1.0',
                'ce-id': id,
                'ce-source': '/itest/loss',
                'ce-type': 'dev.knative-ts.loss',
              },
              JSON.stringify({ id }),
            );
            if (res.status === 202) {
              accepted.add(id);
              return;
            }
          } catch {
            // The dispatcher is down (connection refused): retry like a producer would.
          }
          refusals++;
          await sleep(200);
        }
      };

      const started = Date.now();
      const inFlight = new Set<Promise<void>>();
      const chaos: Array<Promise<void>> = [];
      for (let i = 0; i < TOTAL; i++) {
        await sleep(Math.max(0, started + (i * 1000) / RATE - Date.now()));
        if (i === Math.floor(TOTAL / 3)) {
          process.stdout.write(`[loss] event ${i}: SIGKILL of ${dispatcher}, then restart\n`);
          chaos.push(eventing.restartChannelApp(dispatcher, 'SIGKILL').then(() => undefined));
        }
        if (i === Math.floor((2 * TOTAL) / 3)) {
          process.stdout.write(`[loss] event ${i}: restarting nats-server\n`);
          chaos.push(natsServer('restart'));
        }
        const p = send(`loss-${i}`).finally(() => inFlight.delete(p));
        inFlight.add(p);
        if (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
      await Promise.all(chaos);
      const sendingMs = Date.now() - started;

      const delivered = (sink: EventServer) =>
        new Set(
          sink.requests.map((r) => String(r.headers['ce-id'])).filter((id) => accepted.has(id)),
        );
      await eventually(
        'every accepted event at both subscribers',
        async () => (sinks.every((s) => delivered(s).size === accepted.size) ? true : undefined),
        120_000,
        1000,
      ).catch(() => undefined);

      const rows = sinks.map((sink, i) => {
        const got = delivered(sink);
        return {
          subscriber: `sub-${i}`,
          sent: TOTAL,
          accepted: accepted.size,
          delivered: got.size,
          lost: [...accepted].filter((id) => !got.has(id)).length,
          duplicates:
            sink.requests.length -
            new Set(sink.requests.map((r) => String(r.headers['ce-id']))).size,
        };
      });
      process.stdout.write(
        `[loss] sent ${TOTAL} events in ${(sendingMs / 1000).toFixed(1)} s (${attempts} POSTs, ${refusals} refused and retried)\n` +
          rows
            .map(
              (r) =>
                `[loss] ${r.subscriber}: sent ${r.sent}, accepted ${r.accepted}, delivered ${r.delivered}, lost ${r.lost}, duplicates ${r.duplicates}`,
            )
            .join('\n') +
          '\n',
      );
      expect(accepted.size).toBe(TOTAL);
      for (const r of rows)
        expect({ subscriber: r.subscriber, lost: r.lost }).toEqual({
          subscriber: r.subscriber,
          lost: 0,
        });
    },
    Math.max(300_000, (TOTAL / RATE) * 1000 + 240_000),
  );
});
