import { startEventServer, type EventServer, type Script } from '@knative-ts/delivery/testing';
import { isNotFound, type KubeObject } from '@knative-ts/kube';
import { installedChannelKinds } from './channel-kinds.js';
import { installCrds } from './crds.js';
import { eventually, uniqueName } from './local-cluster.js';
import { post, startLocalEventing, type LocalEventing } from './local-eventing.js';

// The channel data-plane contract, written once and run against every channel kind (the
// way hono runs one suite against every implementation): ingress status codes, attributes,
// extensions, non-ASCII and binary data reaching subscribers unchanged, replies, dead
// letters with Knative's three extensions, retry spacing, Retry-After, and ordering where
// the kind promises it. Each kind runs against the real control plane with the built
// eventing-controller and its dispatcher in local mode.

/** What the contract may assume of one channel kind: one line per kind. */
export interface ContractKind {
  kind: string;
  /** When the ingress answers 202: after every subscriber took the event, or once stored. */
  accepts: 'after-delivery' | 'when-stored';
  /**
   * Ordered delivery per subscription for events sent one after another: `always`, on
   * these channel annotations, or not promised (the ordering case is then not run).
   */
  ordered?: 'always' | { annotations: Record<string, string> };
  /** Dispatcher app when the kind is served by another kind's app (e.g. an alias kind). */
  app?: string;
  /** Extra channel spec every contract channel gets (e.g. a short consumer AckWait). */
  spec?: Record<string, unknown>;
}

/** A contract kind resolved against the dispatcher apps that declare their channel kind. */
interface ResolvedKind extends ContractKind {
  apiVersion: string;
  app: string;
  service: string;
}

/** Finds the app serving `kind` (its package.json `knative-ts.channel`). */
export function resolveKind(line: ContractKind): ResolvedKind {
  const installed = installedChannelKinds();
  const own = installed.find((k) => k.kind === line.kind);
  const host = own ?? installed.find((k) => k.app === line.app);
  if (!host) throw new Error(`no app under apps/ declares channel kind ${line.kind}`);
  return {
    ...line,
    apiVersion: own?.apiVersion ?? host.apiVersion,
    app: host.app,
    service: host.service,
  };
}

const messaging = 'messaging.knative.dev/v1';

const baseEvent = {
  'content-type': 'application/octet-stream',
  'ce-specversion': '1.0',
  'ce-source': '/itest/contract',
  'ce-type': 'dev.knative-ts.contract',
  'ce-subject': 'sub',
  'ce-time': '2024-01-02T03:04:05.678Z',
  'ce-dataschema': 'http://example.com/schema',
  'ce-myext': 'abc',
};
const binaryData = Buffer.from([0, 1, 2, 250, 255, 0x7b, 0x0a, 0x0d]);

type Conditioned = KubeObject & {
  status?: {
    conditions?: Array<{ type: string; status: string }>;
    subscribers?: Array<{ ready?: string }>;
  };
};

/** Defines the contract's describe block for one kind. */
export function channelContract(line: ContractKind): void {
  const kind = resolveKind(line);
  describe(`channel contract: ${kind.kind}`, () => {
    let eventing: LocalEventing;
    let port = 0;
    const ns = uniqueName('itest-contract');
    const servers: EventServer[] = [];
    const server = async (script?: Script) => {
      const s = await startEventServer(script);
      servers.push(s);
      return s;
    };
    const channelRef = (name: string) => ({
      apiVersion: kind.apiVersion,
      kind: kind.kind,
      namespace: ns,
      name,
    });
    const hostOf = (name: string) => `${name}-kn-channel.${ns}.svc.cluster.local`;
    const send = (channel: string, headers: Record<string, string>, body: Uint8Array | string) =>
      post(`http://127.0.0.1:${port}/`, { ...headers, host: hostOf(channel) }, body);

    /** A channel of the kind with `subs` Subscriptions, Ready with every subscriber ready. */
    async function channelWith(
      name: string,
      subs: Array<Record<string, unknown>>,
      extra: { annotations?: Record<string, string> } = {},
    ): Promise<void> {
      await eventing.client.create({
        apiVersion: kind.apiVersion,
        kind: kind.kind,
        metadata: {
          namespace: ns,
          name,
          ...(extra.annotations && { annotations: extra.annotations }),
        },
        spec: { ...kind.spec },
      } as KubeObject);
      for (const [i, spec] of subs.entries()) {
        await eventing.client.create({
          apiVersion: messaging,
          kind: 'Subscription',
          metadata: { namespace: ns, name: `${name}-${i}` },
          spec: { channel: { apiVersion: kind.apiVersion, kind: kind.kind, name }, ...spec },
        } as KubeObject);
      }
      await eventually(
        `${kind.kind} ${name} Ready with ${subs.length} ready subscribers`,
        async () => {
          const c = await eventing.client.get<Conditioned>(channelRef(name));
          const ready = c.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True';
          const subsReady = c.status?.subscribers ?? [];
          return ready &&
            subsReady.length === subs.length &&
            subsReady.every((s) => s.ready === 'True')
            ? true
            : undefined;
        },
        60_000,
      );
    }
    /** The requests carrying event `id`, once there are `count` of them. */
    const arrivals = (s: EventServer, id: string, count: number, what: string) =>
      eventually(
        what,
        async () => {
          const got = s.requests.filter((r) => r.headers['ce-id'] === id);
          return got.length >= count ? got : undefined;
        },
        30_000,
      );
    const uri = (s: EventServer) => ({ uri: s.url });

    beforeAll(async () => {
      await installCrds();
      eventing = await startLocalEventing({
        prefix: 'itest-contract-sys',
        env: { MAX_BODY_BYTES: '65536' },
        // config-features delivery-retryafter on, so Retry-After is honoured (Knative: alpha).
        features: { 'delivery-retryafter': 'enabled' },
        channelApps:
          kind.app === 'imc-dispatcher' ? [] : [{ app: kind.app, service: kind.service }],
      });
      port =
        kind.app === 'imc-dispatcher'
          ? eventing.ports['imc-dispatcher']
          : (eventing.channelApps[kind.service]?.port ?? 0);
      await eventing.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    }, 120_000);

    afterAll(async () => {
      await Promise.all(servers.map((s) => s.close()));
      await eventing.client
        .delete({ apiVersion: 'v1', kind: 'Namespace', name: ns })
        .catch((err: unknown) => {
          if (!isNotFound(err)) throw err;
        });
      await eventing?.stop();
    }, 60_000);

    describe('ingress', () => {
      let sink: EventServer;
      beforeAll(async () => {
        sink = await server();
        await channelWith('codes', [{ subscriber: uri(sink) }]);
      }, 90_000);

      const codes: Array<[string, string, string, Record<string, string>, string, number]> = [
        ['an event', 'POST', '/', { ...baseEvent, 'ce-id': 'ok-1' }, 'x', 202],
        ['GET', 'GET', '/', baseEvent, '', 405],
        ['PUT', 'PUT', '/', baseEvent, 'x', 405],
        ['an unknown channel', 'POST', '/nope', baseEvent, 'x', 404],
        ['a path that is not /<ns>/<name>', 'POST', '/a/b/c', baseEvent, 'x', 400],
        ['no ce-id', 'POST', '/', baseEvent, 'x', 400],
        ['no CloudEvent at all', 'POST', '/', { 'content-type': 'text/plain' }, 'x', 400],
        [
          'an unreadable structured format',
          'POST',
          '/',
          { 'content-type': 'application/cloudevents+avro' },
          'x',
          415,
        ],
        [
          'a body above the limit',
          'POST',
          '/',
          { ...baseEvent, 'ce-id': 'big' },
          'x'.repeat(70_000),
          413,
        ],
        ['OPTIONS', 'OPTIONS', '/', {}, '', 200],
      ];
      it.each(
        codes.map(([name, method, path, headers, body, want]) => ({
          name,
          method,
          path,
          headers,
          body,
          want,
        })),
      )('answers $name with $want', async ({ method, path, headers, body, want }) => {
        const url = path === '/nope' ? `/${ns}/nope` : path;
        const res = await post(
          `http://127.0.0.1:${port}${url}`,
          { ...headers, host: hostOf('codes') },
          body,
          method,
        );
        expect(res.status).toBe(want);
        if (method === 'OPTIONS') expect(res.headers['allow']).toBe('POST, OPTIONS');
      });

      it('routes by path /<namespace>/<name> as well as by Host', async () => {
        const before = sink.requests.length;
        const res = await post(
          `http://127.0.0.1:${port}/${ns}/codes`,
          { ...baseEvent, 'ce-id': 'by-path' },
          'p',
        );
        expect(res.status).toBe(202);
        const got = await eventually('the event sent by path', async () =>
          sink.requests.slice(before).find((r) => r.headers['ce-id'] === 'by-path'),
        );
        expect(Buffer.from(got.body).toString()).toBe('p');
      });
    });

    describe('delivery', () => {
      const s = {} as Record<
        'a' | 'b' | 'replier' | 'replies' | 'retry' | 'retryAfter' | 'failing' | 'dls' | 'down',
        EventServer
      >;
      beforeAll(async () => {
        s.a = await server();
        s.b = await server();
        s.replies = await server();
        s.replier = await server((req) => ({
          status: 200,
          headers: {
            'ce-specversion': '1.0',
            'ce-id': `reply-${String(req.headers['ce-id'])}`,
            'ce-source': '/replier',
            'ce-type': 'dev.knative-ts.reply',
            'content-type': 'text/plain; charset=utf-8',
          },
          body: 'pong é',
        }));
        s.retry = await server((_req, i) => ({ status: i % 4 < 3 ? 503 : 202 }));
        s.retryAfter = await server((_req, i) =>
          i % 2 === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 202 },
        );
        s.failing = await server(() => ({ status: 500, body: 'boom' }));
        s.dls = await server();
        await channelWith('replies', [{ subscriber: uri(s.replies) }]);
        await channelWith('main', [
          { subscriber: uri(s.a) },
          { subscriber: uri(s.b) },
          {
            subscriber: uri(s.replier),
            reply: { ref: { apiVersion: kind.apiVersion, kind: kind.kind, name: 'replies' } },
          },
          {
            subscriber: uri(s.retry),
            delivery: { retry: 3, backoffPolicy: 'exponential', backoffDelay: 'PT0.2S' },
          },
          {
            subscriber: uri(s.retryAfter),
            delivery: {
              retry: 1,
              backoffPolicy: 'linear',
              backoffDelay: 'PT0.01S',
              retryAfterMax: 'PT5S',
            },
          },
          { subscriber: uri(s.failing), delivery: { retry: 1, deadLetterSink: uri(s.dls) } },
        ]);
      }, 120_000);

      it('delivers a binary-mode event with binary data, unchanged, to every subscriber', async () => {
        const headers = { ...baseEvent, 'ce-id': 'bin-1' };
        expect((await send('main', headers, binaryData)).status).toBe(202);
        for (const sink of [s.a, s.b, s.replier, s.retry, s.retryAfter]) {
          const [got] = await arrivals(sink, 'bin-1', 1, 'the event at every subscriber');
          expect(got?.headers).toMatchObject(headers);
          expect(Buffer.from(got?.body ?? [])).toEqual(binaryData);
        }
      });

      it('keeps non-ASCII attributes, extensions and data of a structured event', async () => {
        const before = s.a.requests.length;
        const event = {
          specversion: '1.0',
          id: 'utf-1',
          source: '/itest/contract/é',
          type: 'dev.knative-ts.contract',
          subject: 'Grüße, 世界',
          myext: 'café ☕',
          datacontenttype: 'application/json',
          data: { text: 'naïve 😀' },
        };
        const res = await send(
          'main',
          { 'content-type': 'application/cloudevents+json' },
          JSON.stringify(event),
        );
        expect(res.status).toBe(202);
        const got = await eventually('the structured event at a', async () =>
          s.a.requests.slice(before).find((r) => r.headers['ce-id'] === 'utf-1'),
        );
        // Binary mode out: non-ASCII header values are percent-encoded (CloudEvents HTTP binding).
        expect(decodeURIComponent(String(got.headers['ce-subject']))).toBe('Grüße, 世界');
        expect(decodeURIComponent(String(got.headers['ce-myext']))).toBe('café ☕');
        expect(decodeURIComponent(String(got.headers['ce-source']))).toBe('/itest/contract/é');
        expect(JSON.parse(Buffer.from(got.body).toString('utf8'))).toEqual({ text: 'naïve 😀' });
      });

      it('forwards a subscriber reply to the reply channel', async () => {
        const reply = await eventually('the reply at the reply channel', async () =>
          s.replies.requests.find((r) => r.headers['ce-id'] === 'reply-bin-1'),
        );
        expect(reply.headers).toMatchObject({
          'ce-source': '/replier',
          'ce-type': 'dev.knative-ts.reply',
        });
        expect(Buffer.from(reply.body).toString('utf8')).toBe('pong é');
      });

      it('dead-letters the original event with knativeerrordest, code and data', async () => {
        const [dead] = await arrivals(s.dls, 'bin-1', 1, 'the dead letter');
        expect(dead?.headers).toMatchObject({
          ...baseEvent,
          'ce-id': 'bin-1',
          'ce-knativeerrordest': s.failing.url,
          'ce-knativeerrorcode': '500',
          'ce-knativeerrordata': Buffer.from('boom').toString('base64'),
        });
        expect(Buffer.from(dead?.body ?? [])).toEqual(binaryData);
        // retry 1: two attempts at the failing subscriber, then the sink.
        expect(s.failing.requests.filter((r) => r.headers['ce-id'] === 'bin-1')).toHaveLength(2);
      });

      it('spaces retries by the backoff policy (exponential PT0.2S: 200, 400, 800 ms)', async () => {
        const tries = await arrivals(
          s.retry,
          'bin-1',
          4,
          'four attempts at the retrying subscriber',
        );
        const at = tries.map((r) => r.at);
        expect(at).toHaveLength(4);
        [200, 400, 800].forEach((gap, i) =>
          expect(at[i + 1]! - at[i]!).toBeGreaterThanOrEqual(gap - 15),
        );
      });

      it('honours Retry-After on 429 up to retryAfterMax', async () => {
        const tries = await arrivals(s.retryAfter, 'bin-1', 2, 'the retry after Retry-After');
        const at = tries.map((r) => r.at);
        expect(at).toHaveLength(2);
        expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(1000 - 15);
      });

      if (kind.accepts === 'after-delivery') {
        it('answers 500 when a subscriber did not take the event and has no dead-letter sink', async () => {
          s.down = await server(() => ({ status: 500 }));
          await channelWith('sync', [{ subscriber: uri(s.down) }]);
          expect((await send('sync', { ...baseEvent, 'ce-id': 'sync-1' }, 'x')).status).toBe(500);
        });
      } else {
        it('answers 202 once stored, even while the only subscriber refuses every event', async () => {
          s.down = await server(() => ({ status: 500 }));
          await channelWith('durable', [{ subscriber: uri(s.down) }]);
          expect((await send('durable', { ...baseEvent, 'ce-id': 'durable-1' }, 'x')).status).toBe(
            202,
          );
          await arrivals(s.down, 'durable-1', 1, 'the stored event at the refusing subscriber');
        });
      }
    });

    const ordered = kind.ordered;
    if (ordered !== undefined) {
      it('delivers events sent one after another in order to a slow subscriber', async () => {
        const slow = await server((_req, i) => ({ status: 202, delayMs: (i * 7) % 23 }));
        await channelWith('ordered', [{ subscriber: uri(slow) }], {
          ...(ordered !== 'always' && { annotations: ordered.annotations }),
        });
        const ids = Array.from({ length: 30 }, (_, i) => `ord-${i}`);
        for (const id of ids) {
          expect((await send('ordered', { ...baseEvent, 'ce-id': id }, id)).status).toBe(202);
        }
        const got = await eventually(
          'every ordered event',
          async () => (slow.requests.length >= ids.length ? slow.requests : undefined),
          60_000,
        );
        expect(got.map((r) => r.headers['ce-id'])).toEqual(ids);
      }, 90_000);
    }
  });
}
