import { execFile } from 'node:child_process';
import { writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  sequentialRequest,
  startEventServer,
  type EventServer,
  type RecordedRequest,
  type SequentialRequest,
} from '@knative-ts/delivery/testing';
import type { KubeObject, ObjectRef } from '@knative-ts/kube';
import { installCrds } from './crds.js';
import { eventually, uniqueName } from './local-cluster.js';
import { post, startLocalEventing, type LocalEventing } from './local-eventing.js';

// The receive side under hostile input, against the real apps: the built controller,
// imc-dispatcher, broker-ingress and broker-filter as processes in LOCAL_MODE on the real
// control plane (startLocalEventing), with the default 4 MiB body limit. An InMemoryChannel
// with one subscriber and a Broker with triggers; every assertion is on what a real client
// reads and what the real subscriber receives. Figures are printed, not asserted as timings.

const run = promisify(execFile);
const eventing = 'eventing.knative.dev/v1';
const messaging = 'messaging.knative.dev/v1';
const LIMIT = 4 * 1024 * 1024;
const MiB = 1024 * 1024;
type Cond = { type: string; status: string; reason?: string; message?: string };
type Obj = KubeObject & {
  spec?: Record<string, unknown>;
  status?: Record<string, unknown> & { conditions?: Cond[] };
};
type Headers = Record<string, string>;

const binary = (id: string, extra: Headers = {}): Headers => ({
  'ce-specversion': '1.0',
  'ce-id': id,
  'ce-source': '/faults',
  'ce-type': 'dev.faults.probe',
  'content-type': 'text/plain',
  ...extra,
});
const lines = (h: Headers): Array<[string, string]> => Object.entries(h);
/** Raw header bytes as Node's http client writes them: one latin1 character per byte. */
const bytes = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');
const headerBytes = (req: RecordedRequest | undefined, name: string): number[] => [
  ...Buffer.from(String(req?.headers[name] ?? ''), 'latin1'),
];

describe('receive-side faults against the real apps', () => {
  const ns = uniqueName('itest-rcv');
  let sys: LocalEventing;
  const servers: EventServer[] = [];
  let channelSink: EventServer;
  let allSink: EventServer;
  let flipSink: EventServer;
  let channelPath: string;
  let channelPort: number;
  let brokerPort: number;
  let brokerPath: string;

  const ref = (kind: string, name: string, apiVersion = eventing): ObjectRef => ({
    apiVersion,
    kind,
    namespace: ns,
    name,
  });
  const get = (r: ObjectRef) => sys.client.get<Obj>(r);
  const ready = (o: Obj) => o.status?.conditions?.find((c) => c.type === 'Ready');
  const whenReady = (r: ObjectRef) =>
    eventually(`${r.kind} ${r.name} Ready`, async () => {
      const o = await get(r);
      return ready(o)?.status === 'True' ? o : undefined;
    });
  const sink = async (): Promise<EventServer> => {
    const s = await startEventServer(() => ({ status: 202 }));
    servers.push(s);
    return s;
  };
  const create = (apiVersion: string, kind: string, name: string, spec: Record<string, unknown>) =>
    sys.client.create<Obj>({ apiVersion, kind, metadata: { namespace: ns, name }, spec });
  /** Waits until `server` got the event with this id, and returns its request. */
  const received = (server: EventServer, id: string) =>
    eventually(`event ${id} delivered`, async () =>
      server.requests.find((r) => r.headers['ce-id'] === id),
    );
  const toChannel = (headers: Headers, body: string | Uint8Array) =>
    post(`http://127.0.0.1:${channelPort}${channelPath}`, headers, body);
  const toBroker = (headers: Headers, body: string | Uint8Array) =>
    post(`http://127.0.0.1:${brokerPort}${brokerPath}`, headers, body);

  beforeAll(async () => {
    await installCrds();
    sys = await startLocalEventing({ prefix: 'itest-rcv-sys' });
    channelPort = sys.ports['imc-dispatcher'];
    brokerPort = sys.ports['broker-ingress'];
    channelPath = `/${ns}/faults`;
    brokerPath = `/${ns}/default`;
    await sys.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    channelSink = await sink();
    allSink = await sink();
    flipSink = await sink();

    await create(messaging, 'InMemoryChannel', 'faults', {});
    await create(messaging, 'Subscription', 'to-sink', {
      channel: { apiVersion: messaging, kind: 'InMemoryChannel', name: 'faults' },
      subscriber: { uri: channelSink.url },
    });
    await create(eventing, 'Broker', 'default', {});
    await create(eventing, 'Trigger', 'all', {
      broker: 'default',
      subscriber: { uri: allSink.url },
    });
    await create(eventing, 'Trigger', 'flip', {
      broker: 'default',
      subscriber: { uri: flipSink.url },
      filters: [{ exact: { type: 'dev.faults.flip' } }],
    });
    for (const r of [
      ref('Subscription', 'to-sink', messaging),
      ref('Broker', 'default'),
      ref('Trigger', 'all'),
      ref('Trigger', 'flip'),
    ]) {
      await whenReady(r);
    }
    // The data plane has the routes once a probe goes through each path.
    await eventually('the channel to deliver', async () => {
      const res = await toChannel(binary('probe-ch'), 'x');
      return res.status === 202 && channelSink.requests.length > 0 ? true : undefined;
    });
    await eventually('the broker to deliver to both triggers', async () => {
      await toBroker(binary(`probe-${Date.now()}`, { 'ce-type': 'dev.faults.flip' }), 'x');
      return allSink.requests.length > 0 && flipSink.requests.length > 0 ? true : undefined;
    });
  }, 180_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    if (!sys) return;
    await sys.client
      .delete({ apiVersion: 'v1', kind: 'Namespace', name: ns })
      .catch(() => undefined);
    const codes = await sys.stop();
    expect(codes).toEqual({
      'eventing-controller': 0,
      'imc-dispatcher': 0,
      'broker-ingress': 0,
      'broker-filter': 0,
    });
  }, 60_000);

  describe('an oversized body (15× the 4 MiB limit): the client reads the 413', () => {
    // Large enough that buffering it (RSS + 60 MiB) cannot be mistaken for the garbage of
    // draining it (read buffers live off the V8 heap, which collects them only after some
    // 32 MiB of such external memory), and within the 64 MiB that a 413 drains.
    const size = 15 * LIMIT;
    const file = join(tmpdir(), `knative-ts-oversized-${process.pid}.bin`);
    beforeAll(() => writeFile(file, Buffer.alloc(size, 'x')), 60_000);
    afterAll(() => rm(file, { force: true }));

    /** Runs `upload` while sampling the app's RSS every 50 ms; prints and returns the growth. */
    async function withRss<T>(
      app: 'imc-dispatcher' | 'broker-ingress',
      label: string,
      upload: () => Promise<T>,
    ) {
      const before = await sys.rss(app);
      let peak = before;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          peak = Math.max(peak, await sys.rss(app));
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      const result = await upload();
      sampling = false;
      await sampler;
      const growth = peak - before;
      console.log(
        `[receive-faults] ${label}: ${app} RSS before ${(before / MiB).toFixed(1)} MiB, peak during upload ${(peak / MiB).toFixed(1)} MiB (+${(growth / MiB).toFixed(1)} MiB) for a ${size / MiB} MiB body`,
      );
      return { result, growth };
    }

    const sequential = (port: number, path: string, extra: Partial<SequentialRequest> = {}) =>
      sequentialRequest({ port, path, headers: lines(binary('big')), bodyBytes: size, ...extra });

    it.each([
      ['Content-Length', {}],
      ['chunked', { chunked: true }],
    ])(
      'a client that writes the whole %s body before reading reads 413 (channel and broker)',
      async (label, extra) => {
        for (const [app, port, path] of [
          ['imc-dispatcher', channelPort, channelPath],
          ['broker-ingress', brokerPort, brokerPath],
        ] as const) {
          const { result, growth } = await withRss(app, `sequential ${label}`, () =>
            sequential(port, path, extra),
          );
          expect(result.error).toBeUndefined();
          expect(result).toMatchObject({ status: 413, bodyBytesSent: size });
          expect(result.headers['connection']).toBe('close');
          expect(result.body).toContain('body-too-large');
          // Buffering the discarded bytes would grow RSS by the whole body; draining grows it
          // only by read buffers not yet collected.
          expect(growth).toBeLessThan(size * 0.75);
        }
      },
      120_000,
    );

    it('Expect: 100-continue with a Content-Length over the limit gets 413 before any body byte', async () => {
      const res = await sequential(channelPort, channelPath, { expectContinue: true });
      expect(res).toMatchObject({ status: 413, continues: 0, bodyBytesSent: 0 });
      console.log('[receive-faults] 100-continue: 413 after 0 body bytes sent');
    });

    it('fetch (undici) reads 413', async () => {
      const body = Buffer.alloc(size, 'x');
      const { result, growth } = await withRss('imc-dispatcher', 'fetch', async () => {
        const res = await fetch(`http://127.0.0.1:${channelPort}${channelPath}`, {
          method: 'POST',
          headers: binary('big-fetch'),
          body,
        });
        return { status: res.status, text: await res.text() };
      });
      expect(result).toEqual({ status: 413, text: expect.stringContaining('body-too-large') });
      expect(growth).toBeLessThan(size * 0.75);
    }, 60_000);

    it.each([
      ['with curl’s Expect: 100-continue', []],
      ['without Expect', ['-H', 'Expect:']],
    ])(
      'curl reads 413 %s',
      async (_label, extra) => {
        const headers = Object.entries(binary('big-curl')).flatMap(([n, v]) => [
          '-H',
          `${n}: ${v}`,
        ]);
        const { stdout } = await run('curl', [
          '-sS',
          '-o',
          '/dev/null',
          '-w',
          '%{http_code}',
          ...headers,
          ...extra,
          '--data-binary',
          `@${file}`,
          `http://127.0.0.1:${channelPort}${channelPath}`,
        ]);
        expect(stdout).toBe('413');
      },
      60_000,
    );

    it('nothing oversized was delivered, and the channel still delivers', async () => {
      expect(
        channelSink.requests.filter((r) => String(r.headers['ce-id']).startsWith('big')),
      ).toEqual([]);
      expect((await toChannel(binary('after-big'), 'ok')).status).toBe(202);
      await received(channelSink, 'after-big');
    });
  });

  describe('repeated headers are refused with 400', () => {
    it.each([
      [
        'ce-id twice',
        [
          ['ce-id', 'a'],
          ['ce-id', 'a'],
        ],
        'duplicate-attribute',
      ],
      [
        'ce-id in two spellings',
        [
          ['ce-id', 'a'],
          ['CE-ID', 'b'],
        ],
        'duplicate-attribute',
      ],
      [
        'Content-Type twice',
        [
          ['content-type', 'text/plain'],
          ['content-type', 'text/html'],
        ],
        'duplicate-header',
      ],
    ] as Array<[string, Array<[string, string]>, string]>)(
      '%s',
      async (_name, repeated, reason) => {
        const names = new Set(repeated.map(([n]) => n.toLowerCase()));
        const once = lines(binary('dup')).filter(([n]) => !names.has(n));
        for (const [port, path] of [
          [channelPort, channelPath],
          [brokerPort, brokerPath],
        ] as const) {
          const res = await sequentialRequest({
            port,
            path,
            headers: [...once, ...repeated],
            bodyBytes: 2,
          });
          expect({ status: res.status, reason: res.body.includes(reason) }).toEqual({
            status: 400,
            reason: true,
          });
        }
      },
    );
  });

  describe('structured events: id and other context attributes must be JSON strings', () => {
    it.each([
      ['id a number', { id: 5 }],
      ['id a boolean', { id: true }],
      ['source an object', { source: { a: 1 } }],
      ['an extension an object', { ext: { a: 1 } }],
    ])('%s → 400 invalid-attribute-type', async (_name, override) => {
      const doc = { specversion: '1.0', id: 'x', source: '/s', type: 't', ...override };
      for (const send of [toChannel, toBroker]) {
        const res = await send(
          { 'content-type': 'application/cloudevents+json' },
          JSON.stringify(doc),
        );
        expect(res.status).toBe(400);
        expect(res.body.toString()).toMatch(/^invalid-attribute-type: /);
      }
    });
  });

  describe('CloudEvents 0.3 is accepted and delivered as 0.3', () => {
    it('binary 0.3 with schemaurl, through the channel and through the broker', async () => {
      const headers = binary('v03-bin', {
        'ce-specversion': '0.3',
        'ce-schemaurl': 'https://example.com/schema.json',
      });
      expect((await toChannel(headers, 'hello 0.3')).status).toBe(202);
      expect((await toBroker(headers, 'hello 0.3')).status).toBe(202);
      for (const server of [channelSink, allSink]) {
        const got = await received(server, 'v03-bin');
        expect(got.headers).toMatchObject({
          'ce-specversion': '0.3',
          'ce-schemaurl': 'https://example.com/schema.json',
          'content-type': 'text/plain',
        });
        expect(Buffer.from(got.body).toString()).toBe('hello 0.3');
      }
    });

    it('structured 0.3 with datacontentencoding base64: the bytes, and the attribute, as sdk-go forwards them', async () => {
      const doc = {
        specversion: '0.3',
        id: 'v03-json',
        source: '/faults',
        type: 'dev.faults.probe',
        schemaurl: '/schemas/blob',
        datacontenttype: 'application/octet-stream',
        datacontentencoding: 'base64',
        data: Buffer.from([0, 1, 2, 255]).toString('base64'),
      };
      const body = JSON.stringify(doc);
      expect(
        (await toChannel({ 'content-type': 'application/cloudevents+json' }, body)).status,
      ).toBe(202);
      expect(
        (await toBroker({ 'content-type': 'application/cloudevents+json' }, body)).status,
      ).toBe(202);
      for (const server of [channelSink, allSink]) {
        const got = await received(server, 'v03-json');
        expect(got.headers).toMatchObject({
          'ce-specversion': '0.3',
          'ce-schemaurl': '/schemas/blob',
          'ce-datacontentencoding': 'base64',
          'content-type': 'application/octet-stream',
        });
        expect([...got.body]).toEqual([0, 1, 2, 255]);
      }
    });
  });

  describe('binary-mode values written raw by Go senders arrive byte for byte', () => {
    const raw: Headers = {
      'ce-json': '{"a": 5}',
      'ce-pct': '100%',
      'ce-utf': bytes('é'),
      'ce-mixed': bytes('Zoë says "hi" 100%'),
      'ce-escaped': '%61%62',
      'ce-canonical': 'caf%C3%A9',
    };

    it.each([
      ['the channel', 'go-raw-ch'],
      ['the broker', 'go-raw-br'],
    ])('through %s', async (path, id) => {
      const headers = binary(id, raw);
      const [port, target] =
        path === 'the channel' ? [channelPort, channelPath] : [brokerPort, brokerPath];
      // Written by hand as latin1: under Jest, Node's http client writes such headers as UTF-8.
      const res = await sequentialRequest({
        port,
        path: target,
        headers: lines(headers),
        bodyBytes: 4,
      });
      expect(res.status).toBe(202);
      const got = await received(path === 'the channel' ? channelSink : allSink, id);
      for (const name of Object.keys(raw)) {
        expect({ name, bytes: headerBytes(got, name) }).toEqual({
          name,
          bytes: [...Buffer.from(raw[name] ?? '', 'latin1')],
        });
      }
      console.log(
        `[receive-faults] ${path}: ${Object.keys(raw).length} raw header values delivered byte for byte (é as ${headerBytes(
          got,
          'ce-utf',
        )
          .map((b) => b.toString(16))
          .join(' ')})`,
      );
    });

    it('still refuses percent-encoding that decodes to bytes that are not UTF-8', async () => {
      const res = await toChannel(binary('bad-utf8', { 'ce-x': '%C0%A0' }), 'x');
      expect(res.status).toBe(400);
      expect(res.body.toString()).toMatch(/^invalid-header-encoding: /);
    });
  });

  describe('a deeply nested CESQL filter', () => {
    const deep = '('.repeat(10_000) + "type = 'dev.faults.flip'" + ')'.repeat(10_000);

    it('makes the Trigger Ready=False InvalidFilter with a Warning Event, and broker-filter stops routing it', async () => {
      // The trigger routed with its old filter (beforeAll); now a bad update.
      const current = await get(ref('Trigger', 'flip'));
      await sys.client.update({
        ...current,
        spec: { ...current.spec, filters: [{ cesql: deep }] },
      });
      const invalid = await eventually('Trigger flip Ready=False', async () => {
        const o = await get(ref('Trigger', 'flip'));
        return ready(o)?.status === 'False' ? ready(o) : undefined;
      });
      expect(invalid).toMatchObject({ reason: 'InvalidFilter' });
      expect(invalid?.message).toMatch(
        /^spec\.filters\[0\]\.cesql: invalid CESQL expression: expression is nested deeper than 128 levels/,
      );
      const warning = await eventually('the InvalidFilter Warning Event', async () => {
        const { items } = await sys.client.list<KubeObject & Record<string, unknown>>({
          apiVersion: 'v1',
          kind: 'Event',
          namespace: ns,
        });
        return items.find(
          (e) =>
            e['reason'] === 'InvalidFilter' &&
            (e['involvedObject'] as { name?: string } | undefined)?.name === 'flip',
        );
      });
      expect(warning['type']).toBe('Warning');
      console.log(
        `[receive-faults] Trigger flip: Ready=False ${invalid?.reason}: ${invalid?.message?.slice(0, 120)}`,
      );

      // The Subscription made for the old filter still sends to broker-filter: it must not
      // keep routing with the old filter. Wait until the broker is routing again (the `all`
      // trigger gets it), then check the flip subscriber got nothing new.
      const before = flipSink.requests.length;
      await eventually('broker-filter to have loaded the bad update', async () => {
        const id = `after-bad-${Date.now()}`;
        await toBroker(binary(id, { 'ce-type': 'dev.faults.flip' }), 'x');
        await received(allSink, id);
        await new Promise((r) => setTimeout(r, 300));
        return flipSink.requests.length === before ? id : undefined;
      });
      const settled = flipSink.requests.length;
      for (let i = 0; i < 5; i++) {
        const id = `flip-${i}`;
        expect((await toBroker(binary(id, { 'ce-type': 'dev.faults.flip' }), 'x')).status).toBe(
          202,
        );
        await received(allSink, id);
      }
      await new Promise((r) => setTimeout(r, 500));
      expect(flipSink.requests.length).toBe(settled);
      console.log(
        '[receive-faults] broker-filter: 5 matching events after the bad update, 0 routed to the invalid trigger',
      );
    }, 90_000);
  });
});
