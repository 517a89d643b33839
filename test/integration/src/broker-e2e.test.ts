import {
  startEventServer,
  type EventServer,
  type RecordedRequest,
  type Script,
} from '@knative-ts/delivery/testing';
import type { KubeObject, ObjectRef } from '@knative-ts/kube';
import { installCrds } from './crds.js';
import { eventually, uniqueName } from './local-cluster.js';
import { post, startLocalEventing, type LocalEventing } from './local-eventing.js';

// The whole broker, end to end, on the real control plane: the built eventing-controller
// reconciles Brokers and Triggers written as Knative YAML; imc-dispatcher, broker-ingress
// and broker-filter run in LOCAL_MODE, so every hop (ingress → trigger channel → filter →
// subscriber, reply → ingress, dead letter) follows the cluster addresses the controller
// wrote, resolved through Services and FQDN EndpointSlices to local ports. Subscribers are
// real HTTP servers registered as `v1` Services; Triggers name them with `ref`.

const eventing = 'eventing.knative.dev/v1';
const messaging = 'messaging.knative.dev/v1';
type Cond = { type: string; status: string; reason?: string; message?: string };
type Obj = KubeObject & {
  spec?: Record<string, unknown>;
  status?: Record<string, unknown> & { conditions?: Cond[] };
};
type Headers = Record<string, string>;

/** A binary-mode CloudEvent as sent to the broker. */
interface SentEvent {
  headers: Headers;
  body: string;
}

const ev = (id: string, attrs: Headers, body = `{"id":"${id}"}`): SentEvent => ({
  headers: {
    'content-type': 'application/json',
    'ce-specversion': '1.0',
    'ce-id': id,
    'ce-time': '2024-05-06T07:08:09.123Z',
    ...Object.fromEntries(Object.entries(attrs).map(([k, v]) => [`ce-${k}`, v])),
  },
  body,
});

// The events sent to the broker; each trigger below matches a known subset.
const events = [
  ev('e1', {
    type: 'com.example.order.created',
    source: '/shop/eu/1',
    subject: 'orders',
    myext: 'gold',
  }),
  ev('e2', { type: 'com.example.order.cancelled', source: '/shop/us/2', subject: 'orders' }),
  ev('e3', { type: 'com.example.refund', source: '/warehouse/eu', subject: 'x', myext: 'silver' }),
  ev('e4', {
    type: 'com.example.order.created',
    source: '/warehouse/us',
    myext: 'gold',
    prio: '5',
  }),
  ev('e5', { type: 'dev.other.thing', source: '/shop/eu/3' }),
  // filter.attributes' empty value: `myext: ""` needs myext present and non-empty.
  ev('e6', { type: 'com.example.order.created', source: '/shop/eu/6' }),
  ev('e7', { type: 'dev.other.thing.created', source: '/other', prio: '2' }, 'not json at all'),
];

/** Trigger name → its spec besides broker/subscriber, and the event ids it must receive. */
const dialects: Record<string, { spec: Record<string, unknown>; want: string[] }> = {
  attrs: {
    spec: { filter: { attributes: { type: 'com.example.order.created', myext: '' } } },
    want: ['e1', 'e4'],
  },
  exact: { spec: { filters: [{ exact: { type: 'com.example.refund' } }] }, want: ['e3'] },
  prefix: { spec: { filters: [{ prefix: { source: '/shop/' } }] }, want: ['e1', 'e2', 'e5', 'e6'] },
  suffix: { spec: { filters: [{ suffix: { type: '.created' } }] }, want: ['e1', 'e4', 'e6', 'e7'] },
  all: {
    spec: {
      filters: [{ all: [{ prefix: { type: 'com.example.order' } }, { exact: { myext: 'gold' } }] }],
    },
    want: ['e1', 'e4'],
  },
  any: {
    spec: {
      filters: [
        { any: [{ exact: { type: 'com.example.refund' } }, { suffix: { source: '/us/2' } }] },
      ],
    },
    want: ['e2', 'e3'],
  },
  not: {
    spec: { filters: [{ not: { prefix: { type: 'com.example.' } } }] },
    // e5 and e7, and the reply (its type is com.acme.ack).
    want: ['e5', 'e7', 'reply-e2'],
  },
  cesql: {
    spec: {
      filters: [
        { cesql: "myext IN ('gold', 'silver') AND EXISTS subject AND LOWER(source) LIKE '/%/eu%'" },
      ],
    },
    want: ['e1', 'e3'],
  },
  'cesql-int': {
    spec: { filters: [{ cesql: 'EXISTS prio AND INT(prio) + 1 > 5' }] },
    want: ['e4'],
  },
  // No filter: every event, the reply included.
  everything: { spec: {}, want: ['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'reply-e2'] },
  // Replies to e2; its reply re-enters the broker and reaches `on-reply`.
  replier: {
    spec: { filters: [{ exact: { type: 'com.example.order.cancelled' } }] },
    want: ['e2'],
  },
  'on-reply': { spec: { filter: { attributes: { type: 'com.acme.ack' } } }, want: ['reply-e2'] },
  // Answers 500: one retry, then the trigger's dead-letter sink.
  failing: {
    spec: {
      filters: [{ exact: { type: 'dev.other.thing' } }],
      delivery: {
        retry: 1,
        backoffDelay: 'PT0.1S',
        deadLetterSink: { ref: { apiVersion: 'v1', kind: 'Service', name: 'dls' } },
      },
    },
    want: ['e5', 'e5'],
  },
};

const replyHeaders = (id: string): Headers => ({
  'ce-specversion': '1.0',
  'ce-id': `reply-${id}`,
  'ce-source': '/replier',
  'ce-type': 'com.acme.ack',
  'content-type': 'text/plain',
});
const scripts: Record<string, Script> = {
  replier: (req) => ({
    status: 200,
    headers: replyHeaders(String(req.headers['ce-id'])),
    body: `ack ${String(req.headers['ce-id'])}`,
  }),
  failing: () => ({ status: 500, body: 'boom' }),
};

/** The CloudEvent of a recorded request: its ce-* headers and content type. */
function eventHeaders(req: RecordedRequest): Headers {
  const out: Headers = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if ((name.startsWith('ce-') || name === 'content-type') && typeof value === 'string') {
      out[name] = value;
    }
  }
  return out;
}
const ids = (s: EventServer) => s.requests.map((r) => String(r.headers['ce-id'])).sort();
const settle = (ms = 750) => new Promise((r) => setTimeout(r, ms));

describe('the broker end to end on the real control plane', () => {
  const ns = uniqueName('itest-bre2e');
  let sys: LocalEventing;
  const subscribers: Record<string, EventServer> = {};
  const servers: EventServer[] = [];

  const ref = (kind: string, name: string, apiVersion = eventing): ObjectRef => ({
    apiVersion,
    kind,
    namespace: ns,
    name,
  });
  const get = (r: ObjectRef) => sys.client.get<Obj>(r);
  const cond = (o: Obj, type = 'Ready') => o.status?.conditions?.find((c) => c.type === type);
  const whenReady = async (r: ObjectRef, timeoutMs = 45_000) => {
    let last: Obj | undefined;
    try {
      return await eventually(
        `${r.kind} ${r.name} to be Ready`,
        async () => {
          last = await get(r);
          return cond(last)?.status === 'True' ? last : undefined;
        },
        timeoutMs,
      );
    } catch (err) {
      // Say why: the conditions are the diagnosis, and who wrote the Subscription (another
      // suite's controller, with another system namespace, also reconciles our Triggers).
      let sub = '';
      if (r.kind === 'Trigger') {
        const { items } = await sys.client.list<Obj>(
          { apiVersion: messaging, kind: 'Subscription', namespace: ns },
          { labelSelector: `eventing.knative.dev/trigger=${r.name}` },
        );
        sub = `; subscription: ${JSON.stringify(items.map((i) => i.spec?.['subscriber']))}`;
      }
      throw new Error(`${(err as Error).message}; status: ${JSON.stringify(last?.status)}${sub}`);
    }
  };
  const create = (kind: string, name: string, spec: Record<string, unknown>) =>
    sys.client.create<Obj>({ apiVersion: eventing, kind, metadata: { namespace: ns, name }, spec });

  /** A real HTTP server, registered as the v1 Service `name` of the test namespace. */
  async function subscriber(name: string, script?: Script): Promise<EventServer> {
    const server = await startEventServer(script);
    servers.push(server);
    await sys.registerService(ns, name, server.port);
    return server;
  }

  const trigger = (name: string, broker: string, spec: Record<string, unknown>, service: string) =>
    create('Trigger', name, {
      broker,
      subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name: service } },
      ...spec,
    });

  /** broker-filter knows the trigger (with this UID) once it refuses a TTL-less event with 400. */
  const filterKnows = (t: Obj) =>
    eventually(`broker-filter to know trigger ${t.metadata.name ?? ''}`, async () => {
      const url = `http://127.0.0.1:${sys.ports['broker-filter']}/triggers/${ns}/${t.metadata.name ?? ''}/${t.metadata.uid ?? ''}`;
      const res = await post(url, events[0]!.headers, '{}');
      return res.status === 400 ? true : undefined;
    });

  /** broker-ingress routes the broker once it accepts an event (no trigger exists yet). */
  const ingressKnows = (broker: string) =>
    eventually(`broker-ingress to route ${broker}`, async () => {
      const probe = ev('probe', { type: 'probe.nobody', source: '/probe' });
      const res = await post(sys.brokerUrl(ns, broker), probe.headers, probe.body);
      return res.status === 202 ? true : undefined;
    });

  const send = async (broker: string, e: SentEvent) => {
    const res = await post(sys.brokerUrl(ns, broker), e.headers, e.body);
    expect({ id: e.headers['ce-id'], status: res.status }).toEqual({
      id: e.headers['ce-id'],
      status: 202,
    });
  };

  beforeAll(async () => {
    await installCrds();
    sys = await startLocalEventing({
      prefix: 'itest-bre2e-sys',
      configMaps: {
        // A different channel kind for brokers that ask for it: the generic Channel,
        // backed by an InMemoryChannel (the one kind with a dispatcher here).
        'channel-backed': {
          'channel-template-spec': [
            'apiVersion: messaging.knative.dev/v1',
            'kind: Channel',
            'spec:',
            '  channelTemplate:',
            '    apiVersion: messaging.knative.dev/v1',
            '    kind: InMemoryChannel',
          ].join('\n'),
        },
      },
    });
    await sys.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await create('Broker', 'default', {});
    await whenReady(ref('Broker', 'default'));
    await ingressKnows('default');

    subscribers['dls'] = await subscriber('dls');
    const created: Obj[] = [];
    for (const [name, { spec }] of Object.entries(dialects)) {
      subscribers[name] = await subscriber(`sub-${name}`, scripts[name]);
      created.push(await trigger(name, 'default', spec, `sub-${name}`));
    }
    for (const t of created) {
      await whenReady(ref('Trigger', t.metadata.name ?? ''));
      await filterKnows(t);
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    if (sys) {
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
    }
  }, 60_000);

  it('gives the Broker its ingress address and an InMemoryChannel trigger channel', async () => {
    const broker = await get(ref('Broker', 'default'));
    expect(broker.status?.['address']).toEqual({
      name: 'http',
      url: sys.brokerAddress(ns, 'default'),
    });
    expect(broker.status?.['annotations']).toMatchObject({
      'knative.dev/channelKind': 'InMemoryChannel',
      'knative.dev/channelAddress': `http://default-kne-trigger-kn-channel.${ns}.svc.cluster.local`,
    });
    const t = await get(ref('Trigger', 'exact'));
    expect(t.status?.['subscriberUri']).toBe(`http://sub-exact.${ns}.svc.cluster.local`);
  });

  it('delivers exactly the matching events to each trigger, unchanged but for the arrival time', async () => {
    const sentAt = Date.now();
    for (const e of events) await send('default', e);
    const total = (name: string) => dialects[name]!.want.length;
    await eventually('every subscriber to have its events', async () =>
      Object.keys(dialects).every((n) => subscribers[n]!.requests.length >= total(n)) &&
      subscribers['dls']!.requests.length >= 1
        ? true
        : undefined,
    );
    await settle();

    const got = Object.fromEntries(Object.keys(dialects).map((n) => [n, ids(subscribers[n]!)]));
    const want = Object.fromEntries(
      Object.entries(dialects).map(([n, d]) => [n, [...d.want].sort()]),
    );
    expect(got).toEqual(want);

    const byId = new Map(events.map((e) => [e.headers['ce-id'], e]));
    for (const [name, server] of Object.entries(subscribers)) {
      if (name === 'dls') continue;
      for (const req of server.requests) {
        const id = String(req.headers['ce-id']);
        const sent = byId.get(id) ?? {
          headers: replyHeaders('e2'),
          body: 'ack e2',
        };
        expect({ trigger: name, headers: eventHeaders(req) }).toEqual({
          trigger: name,
          headers: { ...sent.headers, 'ce-knativearrivaltime': expect.any(String) },
        });
        expect(req.headers).not.toHaveProperty('ce-knativebrokerttl');
        expect(Buffer.from(req.body).toString()).toBe(sent.body);
        const arrival = Date.parse(String(req.headers['ce-knativearrivaltime']));
        expect(arrival).toBeGreaterThanOrEqual(sentAt - 1000);
        expect(arrival).toBeLessThanOrEqual(Date.now());
      }
    }
  });

  it("dead-letters a failing subscriber's event to the trigger's sink with the error extensions", async () => {
    const failing = await get(ref('Trigger', 'failing'));
    const subscriberUri = `http://sub-failing.${ns}.svc.cluster.local`;
    expect(failing.status?.['subscriberUri']).toBe(subscriberUri);
    expect(failing.status?.['deadLetterSinkUri']).toBe(`http://dls.${ns}.svc.cluster.local`);
    expect(ids(subscribers['dls']!)).toEqual(['e5']);
    const dead = subscribers['dls']!.requests[0]!;
    const e5 = events.find((e) => e.headers['ce-id'] === 'e5')!;
    expect(eventHeaders(dead)).toMatchObject({
      ...e5.headers,
      'ce-knativearrivaltime': expect.any(String),
      'ce-knativeerrordest': subscriberUri,
      'ce-knativeerrorcode': '500',
      'ce-knativeerrordata': Buffer.from('boom').toString('base64'),
    });
    expect(Buffer.from(dead.body).toString()).toBe(e5.body);
  });

  it('answers an event for an unknown broker with 404 and delivers nothing', async () => {
    const before = subscribers['everything']!.requests.length;
    const e = ev('lost', { type: 'com.example.order.created', source: '/shop/eu/9' });
    const res = await post(sys.brokerUrl(ns, 'no-such-broker'), e.headers, e.body);
    expect(res.status).toBe(404);
    const other = await post(sys.brokerUrl(`${ns}-nope`, 'default'), e.headers, e.body);
    expect(other.status).toBe(404);
    await settle(300);
    expect(subscribers['everything']!.requests).toHaveLength(before);
  });

  it('makes a trigger created before its broker Ready once the broker exists, then delivers to it', async () => {
    const sink = await subscriber('sub-early');
    await trigger('early', 'late', {}, 'sub-early');
    const waiting = await eventually('BrokerDoesNotExist', async () => {
      const c = cond(await get(ref('Trigger', 'early')), 'BrokerReady');
      return c?.reason === 'BrokerDoesNotExist' ? c : undefined;
    });
    expect(waiting).toMatchObject({ status: 'False', message: 'Broker "late" does not exist' });

    await create('Broker', 'late', {});
    await whenReady(ref('Broker', 'late'));
    const t = await whenReady(ref('Trigger', 'early'));
    await filterKnows(t);
    await ingressKnows('late');
    const e = ev('late-1', { type: 'com.example.late', source: '/late' });
    await send('late', e);
    await eventually('the late event', async () => (sink.requests.length > 0 ? true : undefined));
    await settle(300);
    // The probes of ingressKnows went through the broker too: it has a trigger now.
    expect(ids(sink).filter((id) => id !== 'probe')).toEqual(['late-1']);
    expect(eventHeaders(sink.requests.at(-1)!)).toEqual({
      ...e.headers,
      'ce-knativearrivaltime': expect.any(String),
    });
  }, 120_000);

  it("gives a broker the channel kind of its config's template and delivers through it", async () => {
    await create('Broker', 'chan', {
      config: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        name: 'channel-backed',
        namespace: sys.systemNamespace,
      },
    });
    const broker = await whenReady(ref('Broker', 'chan'));
    expect(broker.status?.['annotations']).toMatchObject({
      'knative.dev/channelAPIVersion': messaging,
      'knative.dev/channelKind': 'Channel',
      'knative.dev/channelName': 'chan-kne-trigger',
    });
    const channel = await get(ref('Channel', 'chan-kne-trigger', messaging));
    expect(channel.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Broker', name: 'chan' });
    expect(channel.spec?.['channelTemplate']).toEqual({
      apiVersion: messaging,
      kind: 'InMemoryChannel',
    });
    // No InMemoryChannel was made for this broker directly: only the Channel's backing one.
    const imc = await get(ref('InMemoryChannel', 'chan-kne-trigger', messaging));
    expect(imc.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'Channel',
      name: 'chan-kne-trigger',
    });

    await ingressKnows('chan');
    const sink = await subscriber('sub-chan');
    const t = await trigger(
      'via-channel',
      'chan',
      { filters: [{ prefix: { type: 'com.chan.' } }] },
      'sub-chan',
    );
    await whenReady(ref('Trigger', 'via-channel'));
    await filterKnows(t);
    const hit = ev('chan-1', { type: 'com.chan.hit', source: '/chan' });
    await send('chan', ev('chan-0', { type: 'com.other', source: '/chan' }));
    await send('chan', hit);
    await eventually('the event through the Channel', async () =>
      sink.requests.length > 0 ? true : undefined,
    );
    await settle(300);
    expect(ids(sink)).toEqual(['chan-1']);
    expect(eventHeaders(sink.requests[0]!)).toEqual({
      ...hit.headers,
      'ce-knativearrivaltime': expect.any(String),
    });
  }, 120_000);
  it('costs no request to broker-filter for a Trigger whose filter rejects the event', async () => {
    // Broker `sparse`: 10 Triggers on exact types, one of them `sparse.a`. imc-dispatcher
    // counts every delivery it makes to broker-filter (event_count, per event type): with
    // the prefilter an event reaches broker-filter only for the Triggers that take it.
    const dispatched = async (type: string) => {
      const port = sys.apps['imc-dispatcher'].port;
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      let total = 0;
      for (const line of text.split('\n')) {
        if (!line.startsWith('inmemorychannel_dispatcher_event_count{')) continue;
        if (!line.includes(`namespace_name="${ns}"`) || !line.includes(`event_type="${type}"`))
          continue;
        total += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
      return total;
    };
    await create('Broker', 'sparse', {});
    await whenReady(ref('Broker', 'sparse'));
    await ingressKnows('sparse');
    const sink = await subscriber('sub-sparse');
    const created = [
      await trigger(
        'sparse-a',
        'sparse',
        { filter: { attributes: { type: 'sparse.a' } } },
        'sub-sparse',
      ),
    ];
    for (let i = 0; i < 9; i++) {
      created.push(
        await trigger(
          `sparse-never-${i}`,
          'sparse',
          { filter: { attributes: { type: `sparse.never.${i}` } } },
          'sub-sparse',
        ),
      );
    }
    for (const t of created) {
      await whenReady(ref('Trigger', t.metadata.name ?? ''));
      await filterKnows(t);
    }
    // imc-dispatcher learns Triggers from its own informer: wait until a probe that no
    // Trigger takes costs no delivery at all.
    let probes = 0;
    await eventually('imc-dispatcher to know the sparse Triggers', async () => {
      const before = await dispatched('sparse.probe');
      await send('sparse', ev(`sparse-probe-${probes++}`, { type: 'sparse.probe', source: '/p' }));
      return (await dispatched('sparse.probe')) === before ? true : undefined;
    });

    for (let i = 0; i < 5; i++)
      await send('sparse', ev(`sparse-a-${i}`, { type: 'sparse.a', source: '/p' }));
    for (let i = 0; i < 5; i++)
      await send('sparse', ev(`sparse-b-${i}`, { type: 'sparse.b', source: '/p' }));
    // The broker's channel answers once its fan-out is done: the counts are final now.
    expect({ a: await dispatched('sparse.a'), b: await dispatched('sparse.b') }).toEqual({
      a: 5,
      b: 0,
    });
    expect(ids(sink)).toEqual([0, 1, 2, 3, 4].map((i) => `sparse-a-${i}`));
  }, 120_000);
  it("serves a matching Trigger's attempt inside imc-dispatcher: no request to broker-filter, replies and retries as before", async () => {
    // mt_broker_filter_event_count of one trigger, as an app's /metrics shows it.
    const filterCount = async (app: 'imc-dispatcher' | 'broker-filter', name: string) => {
      const port = sys.apps[app].port;
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return text
        .split('\n')
        .filter(
          (l) =>
            l.startsWith('mt_broker_filter_event_count{') &&
            l.includes(`namespace_name="${ns}"`) &&
            l.includes(`trigger_name="${name}"`),
        )
        .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    };
    await create('Broker', 'direct', {});
    await whenReady(ref('Broker', 'direct'));
    await ingressKnows('direct');
    // `ask` answers the first attempt of each event with 503 (the Trigger retries), then
    // replies with an `answer` event; `answers` takes the replies back through the Broker.
    const seen = new Set<string>();
    const asker = await subscriber('sub-ask', (req) => {
      const id = String(req.headers['ce-id']);
      if (!seen.has(id)) {
        seen.add(id);
        return { status: 503 };
      }
      return {
        status: 200,
        headers: {
          'ce-specversion': '1.0',
          'ce-id': `answer-${id}`,
          'ce-source': '/asker',
          'ce-type': 'direct.answer',
        },
        body: 'ok',
      };
    });
    const answers = await subscriber('sub-answers');
    const created = [
      await trigger(
        'direct-ask',
        'direct',
        {
          filter: { attributes: { type: 'direct.ask' } },
          delivery: { retry: 2, backoffPolicy: 'linear', backoffDelay: 'PT0.05S' },
        },
        'sub-ask',
      ),
      await trigger(
        'direct-answers',
        'direct',
        { filter: { attributes: { type: 'direct.answer' } } },
        'sub-answers',
      ),
    ];
    for (const t of created) await whenReady(ref('Trigger', t.metadata.name ?? ''));
    // imc-dispatcher serves a Trigger itself once its informer has it: until then the
    // attempt goes to broker-filter. Probe until a probe event is counted by imc-dispatcher.
    let probes = 0;
    await eventually('imc-dispatcher to serve the direct Triggers', async () => {
      const before = await filterCount('imc-dispatcher', 'direct-answers');
      await send('direct', ev(`direct-probe-${probes++}`, { type: 'direct.answer', source: '/p' }));
      return (await filterCount('imc-dispatcher', 'direct-answers')) > before ? true : undefined;
    });
    const filterBefore = await filterCount('broker-filter', 'direct-ask');
    answers.requests.length = 0;
    for (let i = 0; i < 3; i++)
      await send('direct', ev(`direct-${i}`, { type: 'direct.ask', source: '/p' }));
    // Each event: a 503, then a reply, which the Broker delivers to `direct-answers`.
    await eventually('the three replies to arrive', async () =>
      answers.requests.length >= 3 ? true : undefined,
    );
    expect(ids(asker).filter((id) => id.startsWith('direct-'))).toEqual([
      'direct-0',
      'direct-0',
      'direct-1',
      'direct-1',
      'direct-2',
      'direct-2',
    ]);
    expect(ids(answers).sort()).toEqual(['answer-direct-0', 'answer-direct-1', 'answer-direct-2']);
    expect(await filterCount('broker-filter', 'direct-ask')).toBe(filterBefore);
    expect(await filterCount('imc-dispatcher', 'direct-ask')).toBe(6);
  }, 120_000);
});
