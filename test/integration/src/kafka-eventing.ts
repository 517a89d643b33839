import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHttpEvent, serializeHttpEvent, type CloudEvent } from '@knative-ts/delivery';
import {
  createKubeClient,
  isNotFound,
  loadKubeConfig,
  type KubeClient,
  type KubeObject,
} from '@knative-ts/kube';
import { startAppProcess, type AppProcess } from '@knative-ts/runtime/testing';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { installCrds } from './crds.js';
import { eventually, localCluster, uniqueName } from './local-cluster.js';
import { freePort, registerLocalService } from './local-eventing.js';

// The KafkaChannel system as local processes against the real control plane and the real
// Kafka of `npm run cluster:up`: the built eventing-controller and kafka-channel-dispatcher
// (LOCAL_MODE, registered for its Service by an FQDN EndpointSlice) in a system namespace
// of their own holding `kafka-channel-config`.

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const main = (app: string): string => join(repo, 'apps', app, 'dist/main.js');
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

export async function startKafkaEventing(env: Record<string, string> = {}): Promise<KafkaEventing> {
  await installCrds();
  const cluster = localCluster();
  const client = createKubeClient(loadKubeConfig({ env: { KUBECONFIG: cluster.kubeconfig } }));
  const system = uniqueName('itest-kc-sys');
  const namespaces = [system];
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: system } });
  await client.create({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { namespace: system, name: 'kafka-channel-config' },
    data: { 'bootstrap.servers': cluster.kafkaBrokers.join(',') },
  } as KubeObject);
  const port = await freePort();
  await registerLocalService(client, system, DispatcherService, port);
  const base = { KUBECONFIG: cluster.kubeconfig, SYSTEM_NAMESPACE: system, LOG_LEVEL: 'info' };
  const dispatcherEnv = {
    ...base,
    LOCAL_MODE: 'true',
    HTTP_PORT: String(port),
    KAFKA_BROKERS: cluster.kafkaBrokers.join(','),
    ...env,
  };
  const controller = await startAppProcess(main('eventing-controller'), base, {
    startTimeoutMs: 30_000,
  });
  const startDispatcher = (extra: Record<string, string> = {}) =>
    startAppProcess(
      main(DispatcherService),
      { ...dispatcherEnv, ...extra },
      { startTimeoutMs: 30_000 },
    );
  const system_: KafkaEventing = {
    system,
    client,
    controller,
    dispatcher: await startDispatcher(),
    port,
    async restartDispatcher(kill) {
      await system_.dispatcher.stop(kill ? 'SIGKILL' : 'SIGTERM', 20_000);
      system_.dispatcher = await startDispatcher();
    },
    async startReplica() {
      const replicaPort = await freePort();
      const replica = await startDispatcher({ HTTP_PORT: String(replicaPort) });
      return { replica, port: replicaPort };
    },
    async namespace(prefix) {
      const ns = uniqueName(prefix);
      namespaces.push(ns);
      await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      return ns;
    },
    async stop() {
      // Stop both even if one fails to stop in time; report after.
      const stopped = await Promise.allSettled([
        system_.dispatcher.stop('SIGTERM', 20_000),
        controller.stop('SIGTERM', 20_000),
      ]);
      for (const name of namespaces) {
        await client.delete({ apiVersion: 'v1', kind: 'Namespace', name }).catch((err: unknown) => {
          if (!isNotFound(err)) throw err;
        });
      }
      for (const s of stopped) if (s.status === 'rejected') throw s.reason;
    },
  };
  await eventually(
    'the dispatcher to be ready',
    async () =>
      (await fetch(`http://127.0.0.1:${system_.dispatcher.port}/readyz`)).status === 200
        ? true
        : undefined,
    60_000,
  );
  return system_;
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
