import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHttpEvent, serializeHttpEvent, type CloudEvent } from '@knative-ts/delivery';
import type { KubeClient, KubeObject } from '@knative-ts/kube';
import type { AppProcess } from '@knative-ts/runtime/testing';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { installCrds } from './crds.js';
import { eventually, uniqueName } from './local-cluster.js';
import { deleteNamespaces, startEventing } from './local-eventing.js';

// The KafkaChannel system: startEventing (local-eventing.ts, configured from the chart)
// with only the controller and kafka-channel-dispatcher, against the real control plane
// and the real Kafka of `npm run cluster:up`; kafka-channel-config comes from the chart's
// kafka.bootstrapServers.

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const run = promisify(execFile);

export const DispatcherService = 'kafka-channel-dispatcher';

export interface KafkaEventing {
  system: string;
  client: KubeClient;
  controller: AppProcess;
  dispatcher: AppProcess;
  /** Local event port of the dispatcher (stable across restarts). */
  port: number;
  /** SIGKILLs the dispatcher (when `kill`) or stops it, then starts it again on the same port. */
  restartDispatcher(kill: boolean): Promise<void>;
  /**
   * Another dispatcher replica, on an event port of its own (returned with it); the
   * caller stops it.
   */
  startReplica(): Promise<{ replica: AppProcess; port: number }>;
  /** A namespace for one test (deleted by stop). */
  namespace(prefix: string): Promise<string>;
  stop(): Promise<void>;
}

/** `env`: extra variables the chart has no value for (e.g. PRODUCE_TIMEOUT_MS). */
export async function startKafkaEventing(env: Record<string, string> = {}): Promise<KafkaEventing> {
  await installCrds();
  const sys = await startEventing({
    prefix: 'itest-kc-sys',
    dataPlane: [],
    channelApps: [{ app: DispatcherService, service: DispatcherService }],
    env,
  });
  const dispatcher = () => {
    const entry = sys.channelApps[DispatcherService];
    if (!entry) throw new Error(`${DispatcherService} is not running`);
    return entry;
  };
  const namespaces: string[] = [];
  return {
    system: sys.systemNamespace,
    client: sys.client,
    controller: sys.controller,
    get dispatcher() {
      return dispatcher().process;
    },
    port: dispatcher().port,
    async restartDispatcher(kill) {
      await sys.restartChannelApp(DispatcherService, kill ? 'SIGKILL' : 'SIGTERM');
    },
    async startReplica() {
      const { process, port } = await sys.startChannelReplica(DispatcherService);
      return { replica: process, port };
    },
    async namespace(prefix) {
      const ns = uniqueName(prefix);
      namespaces.push(ns);
      await sys.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      return ns;
    },
    async stop() {
      // The test namespaces go first, while this controller still runs: it deletes their
      // topics and consumer groups, so the next suite's dispatcher does not start with
      // consumers of topics being deleted under it. A namespace still there after the wait
      // is left to the next controller, as before.
      await deleteNamespaces(sys.client, namespaces, { waitMs: 60_000 }).catch((err: unknown) => {
        process.stderr.write(`[kafka-eventing] ${(err as Error).message}; going on\n`);
      });
      await sys.stop();
    },
  };
}

/** Stops or starts only Kafka of the local control plane (test/cluster/server.sh). */
export async function kafkaServer(verb: 'stop' | 'start'): Promise<void> {
  await run('bash', [join(repo, 'test/cluster/server.sh'), verb, 'kafka'], { timeout: 120_000 });
}

/** What a recorder answers: a status, optionally a reply event (sent with 200), after a delay. */
export type Behaviour = (event: CloudEvent) => {
  status: number;
  reply?: CloudEvent;
  delayMs?: number;
};

/** An in-process subscriber: records every event it is sent, answers per `behaviour`. */
export interface Recorder {
  port: number;
  events: CloudEvent[];
  /** The most requests it held at once. */
  maxInFlight: number;
  close(): Promise<void>;
}

export async function startRecorder(
  behaviour: Behaviour = () => ({ status: 202 }),
): Promise<Recorder> {
  const events: CloudEvent[] = [];
  const stats = { inFlight: 0, maxInFlight: 0 };
  const server: Server = createServer((req, res) => {
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    res.on('finish', () => stats.inFlight--);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let event: CloudEvent;
      try {
        event = parseHttpEvent({
          headers: req.headers,
          body: new Uint8Array(Buffer.concat(chunks)),
        });
      } catch (err) {
        res.writeHead(400);
        res.end(String(err));
        return;
      }
      events.push(event);
      const answer = behaviour(event);
      const respond = () => {
        if (answer.reply) {
          const out = serializeHttpEvent(answer.reply, 'binary');
          res.writeHead(200, out.headers);
          res.end(Buffer.from(out.body));
          return;
        }
        res.writeHead(answer.status);
        res.end();
      };
      if (answer.delayMs) setTimeout(respond, answer.delayMs);
      else respond();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    events,
    get maxInFlight() {
      return stats.maxInFlight;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A KafkaChannel manifest. */
export function kafkaChannel(
  namespace: string,
  name: string,
  spec: Record<string, unknown> = {},
  annotations: Record<string, string> = {},
): KubeObject {
  return {
    apiVersion: 'messaging.knative.dev/v1beta1',
    kind: 'KafkaChannel',
    metadata: { namespace, name, annotations },
    spec,
  } as KubeObject;
}

/** A Subscription of `channel` to the Service `subscriber` (reply and DLS optional). */
export function subscription(
  namespace: string,
  name: string,
  channel: string,
  subscriber: string,
  extra: { reply?: string; deadLetterSink?: string; delivery?: Record<string, unknown> } = {},
): KubeObject {
  const ref = (n: string) => ({ ref: { apiVersion: 'v1', kind: 'Service', name: n } });
  return {
    apiVersion: 'messaging.knative.dev/v1',
    kind: 'Subscription',
    metadata: { namespace, name },
    spec: {
      channel: { apiVersion: 'messaging.knative.dev/v1beta1', kind: 'KafkaChannel', name: channel },
      subscriber: ref(subscriber),
      ...(extra.reply && { reply: ref(extra.reply) }),
      ...((extra.deadLetterSink || extra.delivery) && {
        delivery: {
          ...extra.delivery,
          ...(extra.deadLetterSink && { deadLetterSink: ref(extra.deadLetterSink) }),
        },
      }),
    },
  } as KubeObject;
}

type Conditioned = KubeObject & {
  status?: { conditions?: Array<{ type: string; status: string; reason?: string }> };
};

/** Waits until the object's Ready condition is True. */
export function ready(
  client: KubeClient,
  apiVersion: string,
  kind: string,
  namespace: string,
  name: string,
  timeoutMs = 60_000,
) {
  return eventually(
    `${kind} ${namespace}/${name} Ready`,
    async () => {
      const o = await client.get<Conditioned>({ apiVersion, kind, namespace, name });
      return o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
        ? o
        : undefined;
    },
    timeoutMs,
  );
}

/** A binary-mode event body and headers, as a producer posts it. */
export function eventRequest(
  id: string,
  extra: Record<string, string> = {},
  data = `{"id":"${id}"}`,
) {
  return {
    headers: {
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-id': id,
      'ce-source': '/itest/kafka',
      'ce-type': 'itest.kafka',
      ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [`ce-${k}`, v])),
    },
    body: data,
  };
}
