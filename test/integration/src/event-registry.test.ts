import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEventServer, type EventServer } from '@knative-ts/delivery/testing';
import type { KubeObject, ObjectRef } from '@knative-ts/kube';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { installedChannelKinds } from './channel-kinds.js';
import { installCrds } from './crds.js';
import { loadExample } from './examples.js';
import { kubectl } from './kubectl.js';
import { eventually, uniqueName } from './local-cluster.js';
import { post, startLocalEventing, type LocalEventing } from './local-eventing.js';

// The event registry on the real control plane: the built eventing-controller (with its
// EventType conversion webhook at https://127.0.0.1:<port>, which the real kube-apiserver
// calls) and the data plane in LOCAL_MODE with FEATURE_EVENTTYPE_AUTO_CREATE; kube-controller-
// manager's garbage collector removes EventTypes with their owners. Schemas are checked
// with a real JSON Schema validator (ajv + ajv-formats).

// ajv-formats is CommonJS: under ESM its plugin is the default export's default.
type FormatsPlugin = (ajv: Ajv) => Ajv;
const addFormats =
  (addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  (addFormatsModule as unknown as FormatsPlugin);

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const triggerCli = join(repo, 'packages/eventtype-registry/dist/trigger-cli.js');
const eventing = 'eventing.knative.dev/v1';
const B2 = 'eventing.knative.dev/v1beta2';
const B3 = 'eventing.knative.dev/v1beta3';

type Cond = { type: string; status: string; reason?: string };
interface Attr {
  name: string;
  required: boolean;
  value?: string;
}
type EventTypeV3 = KubeObject & {
  spec: { attributes: Attr[]; reference?: Record<string, string>; description?: string };
  status?: { conditions?: Cond[] };
};
type EventTypeV2 = KubeObject & {
  spec: { type: string; source?: string; schemaData?: string; reference?: Record<string, string> };
};

const attr = (et: EventTypeV3, name: string) =>
  et.spec.attributes.find((a) => a.name === name)?.value;
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A binary-mode event for the broker; JSON data unless `data` is a string. */
function binary(type: string, source: string, id: string, data: unknown) {
  return {
    headers: {
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-id': id,
      'ce-source': source,
      'ce-type': type,
    },
    body: typeof data === 'string' ? data : JSON.stringify(data),
  };
}

/** Sends `count` events through `send`, `concurrency` at a time; every answer must be 202. */
async function burst(count: number, concurrency: number, send: (i: number) => Promise<number>) {
  let next = 0;
  const statuses: number[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) statuses.push(await send(i));
    }),
  );
  expect(statuses.filter((s) => s !== 202)).toEqual([]);
}

/** Runs the trigger CLI; resolves with its output. */
function triggerFor(args: string[], kubeconfig: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((ok, fail) => {
    const child = spawn(process.execPath, [triggerCli, ...args], {
      env: { ...process.env, KUBECONFIG: kubeconfig },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => ok({ code: code ?? -1, stdout, stderr }));
  });
}

/** The durable channel kinds (their own dispatcher apps); InMemoryChannel is in every system. */
const durableChannels = installedChannelKinds().filter((k) => k.app !== 'imc-dispatcher');

/** The eventing system with the conversion webhook and `eventtype-auto-create` as given. */
async function startRegistry(
  prefix: string,
  autoCreate: 'enabled' | 'disabled',
  { withDurableChannels = false } = {},
) {
  return startLocalEventing({
    prefix,
    features: { 'eventtype-auto-create': autoCreate },
    conversionWebhook: true,
    ...(withDurableChannels && {
      channelApps: durableChannels.map(({ app, service }) => ({ app, service })),
    }),
  });
}

function helpers(getSys: () => LocalEventing, ns: string) {
  const list = async (apiVersion = B3) =>
    (await getSys().client.list<EventTypeV3>({ apiVersion, kind: 'EventType', namespace: ns }))
      .items;
  const ofType = async (type: string) => (await list()).filter((et) => attr(et, 'type') === type);
  const ref = (kind: string, name: string, apiVersion = eventing): ObjectRef => ({
    apiVersion,
    kind,
    namespace: ns,
    name,
  });
  const whenReady = (r: ObjectRef) =>
    eventually(`${r.kind} ${r.name} to be Ready`, async () => {
      const o = await getSys().client.get<KubeObject & { status?: { conditions?: Cond[] } }>(r);
      return o.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True'
        ? o
        : undefined;
    });
  const ingressKnows = (broker: string) =>
    eventually(`broker-ingress to route ${broker}`, async () => {
      const probe = binary('probe.nobody', '/probe', 'probe', {});
      const res = await post(getSys().brokerUrl(ns, broker), probe.headers, probe.body);
      return res.status === 202 ? true : undefined;
    });
  const createBroker = async (name: string) => {
    await getSys().client.create({
      apiVersion: eventing,
      kind: 'Broker',
      metadata: { namespace: ns, name },
      spec: {},
    } as KubeObject);
    await whenReady(ref('Broker', name));
    await ingressKnows(name);
  };
  return { list, ofType, ref, whenReady, createBroker };
}

describe('the event registry with eventtype-auto-create enabled', () => {
  const ns = uniqueName('itest-registry');
  let sys: LocalEventing;
  const servers: EventServer[] = [];
  const h = helpers(() => sys, ns);

  beforeAll(async () => {
    await installCrds();
    sys = await startRegistry('itest-registry-sys', 'enabled', { withDurableChannels: true });
    await sys.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await h.createBroker('default');
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

  it('points the EventType CRD at the conversion webhook', async () => {
    const crd = await sys.client.get<
      KubeObject & { spec: { conversion: Record<string, unknown> } }
    >({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: 'eventtypes.eventing.knative.dev',
    });
    expect(crd.spec.conversion).toMatchObject({
      strategy: 'Webhook',
      webhook: {
        conversionReviewVersions: ['v1'],
        clientConfig: {
          url: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+\/convert$/) as unknown,
        },
      },
    });
  });

  it('a PingSource sinking to a Broker registers its type, owned by it, and it goes with it', async () => {
    const source = await sys.client.create({
      apiVersion: 'sources.knative.dev/v1',
      kind: 'PingSource',
      metadata: { namespace: ns, name: 'heartbeat' },
      spec: {
        schedule: '0 0 1 1 *',
        data: '{"beat":"ok"}',
        contentType: 'application/json',
        sink: { ref: { apiVersion: eventing, kind: 'Broker', name: 'default' } },
      },
    } as KubeObject);
    const [et] = await eventually('the PingSource EventType', async () => {
      const found = await h.ofType('dev.knative.sources.ping');
      return found.length > 0 ? found : undefined;
    });
    expect(et?.metadata.name).toMatch(/^[0-9a-f]{32}$/);
    expect(et?.metadata.labels).toEqual({ 'eventing.knative.dev/sourceName': 'heartbeat' });
    expect(et?.metadata.ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'PingSource',
        name: 'heartbeat',
        uid: source.metadata.uid,
        controller: true,
      }),
    ]);
    expect(attr(et as EventTypeV3, 'source')).toBe(
      `/apis/v1/namespaces/${ns}/pingsources/heartbeat`,
    );
    // From the registry.knative.dev/eventTypes annotation of the PingSource CRD.
    expect(et?.spec.description).toBe(
      'CloudEvent type for fixed payloads on a specified cron schedule',
    );
    expect(et?.spec.reference).toEqual({ apiVersion: eventing, kind: 'Broker', name: 'default' });
    await h.whenReady(h.ref('EventType', et?.metadata.name ?? '', B3));

    const table = await kubectl(['get', 'eventtypes', '-n', ns, et?.metadata.name ?? '']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(
      /dev\.knative\.sources\.ping\s+\/apis\/v1\/namespaces\/\S+\/pingsources\/heartbeat\s+default\s+Broker\s+CloudEvent type for fixed payloads on a specified cron schedule\s+True/,
    );

    await sys.client.delete(h.ref('PingSource', 'heartbeat', 'sources.knative.dev/v1'));
    await eventually('the garbage collector to remove the PingSource EventType', async () =>
      (await h.ofType('dev.knative.sources.ping')).length === 0 ? true : undefined,
    );
  }, 60_000);

  it('one new type in a burst of 1,000 events creates exactly one EventType, whose schema validates every event', async () => {
    const type = 'dev.example.order.created';
    const data = (i: number) => ({
      orderId: i,
      total: i + 0.25,
      placedAt: new Date(Date.UTC(2026, 11, 1, 9, 0, i % 60)).toISOString(),
      link: `https://shop.example/orders/${i}`,
      customer: { name: `c${i}`, vip: i % 2 === 0 },
      items: [{ sku: `s${i}`, qty: 1 + (i % 3) }],
      ...(i % 3 === 0 ? { coupon: 'WINTER' } : {}),
      note: i % 5 === 0 ? null : 'ring twice',
    });
    const sent = Array.from({ length: 1000 }, (_, i) => data(i));
    await burst(1000, 32, async (i) => {
      const e = binary(type, '/shop', `order-${i}`, sent[i]);
      return (await post(sys.brokerUrl(ns, 'default'), e.headers, e.body)).status;
    });

    const [et] = await eventually('the auto-created EventType with its schema', async () => {
      const found = await h.ofType(type);
      return found[0]?.metadata.annotations?.['knative-ts.dev/schemaData'] ? found : undefined;
    });
    // The background writes are paced; give any second creation every chance to show up.
    await settle(3000);
    const all = await h.ofType(type);
    expect(all.map((e) => e.metadata.name)).toEqual([et?.metadata.name]);

    const broker = await sys.client.get(h.ref('Broker', 'default'));
    expect(et?.metadata.name).toMatch(/^et-default-[0-9a-f]{32}$/);
    expect(et?.metadata.ownerReferences).toEqual([
      { apiVersion: eventing, kind: 'Broker', name: 'default', uid: broker.metadata.uid },
    ]);
    expect(et?.spec.description).toBe('Event Type auto-created by controller');
    expect(et?.spec.attributes).toEqual([
      { name: 'type', required: true, value: type },
      { name: 'source', required: true, value: '/shop' },
      { name: 'schemadata', required: true },
      { name: 'specversion', required: true, value: '1.0' },
      { name: 'id', required: false },
    ]);

    // Read through v1beta2 (the conversion webhook): the schema is spec.schemaData there.
    const v2 = await sys.client.get<EventTypeV2>(h.ref('EventType', et?.metadata.name ?? '', B2));
    expect(v2.spec.type).toBe(type);
    const schema = JSON.parse(v2.spec.schemaData ?? '{}') as Record<string, unknown>;
    expect(schema).toMatchObject({
      type: 'object',
      required: ['customer', 'items', 'link', 'note', 'orderId', 'placedAt', 'total'],
      properties: {
        orderId: { type: 'integer' },
        total: { type: 'number' },
        placedAt: { type: 'string', format: 'date-time' },
        link: { type: 'string', format: 'uri' },
        coupon: { type: 'string' },
        note: { type: ['null', 'string'] },
      },
    });
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const invalid = sent.filter((d) => !validate(d)).map((d) => ({ d, errors: validate.errors }));
    expect(invalid).toEqual([]);
    // It constrains: an event missing a required key, or with a bad date, fails.
    expect(validate({ ...sent[1], placedAt: 'yesterday' })).toBe(false);
    const { orderId: _omitted, ...withoutId } = sent[1] as Record<string, unknown>;
    void _omitted;
    expect(validate(withoutId)).toBe(false);
  }, 90_000);

  it('a Trigger reply creates an EventType owned by that Trigger', async () => {
    const replier = await startEventServer((req) => ({
      status: 200,
      headers: {
        'ce-specversion': '1.0',
        'ce-id': `ack-${String(req.headers['ce-id'])}`,
        'ce-source': '/billing',
        'ce-type': 'dev.example.invoice.issued',
        'content-type': 'application/json',
      },
      body: '{"invoice":"INV-1","issuedAt":"2026-12-01T10:00:00Z"}',
    }));
    servers.push(replier);
    await sys.registerService(ns, 'billing', replier.port);
    const trigger = await sys.client.create({
      apiVersion: eventing,
      kind: 'Trigger',
      metadata: { namespace: ns, name: 'bill' },
      spec: {
        broker: 'default',
        filter: { attributes: { type: 'dev.example.order.paid' } },
        subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name: 'billing' } },
      },
    } as KubeObject);
    await h.whenReady(h.ref('Trigger', 'bill'));
    const [et] = await eventually('the reply EventType', async () => {
      const e = binary('dev.example.order.paid', '/shop', `paid-${Date.now()}`, { orderId: 7 });
      await post(sys.brokerUrl(ns, 'default'), e.headers, e.body);
      const found = await h.ofType('dev.example.invoice.issued');
      return found.find((x) => x.spec.reference?.['kind'] === 'Trigger') ? found : undefined;
    });
    const owned = (await h.ofType('dev.example.invoice.issued')).find(
      (x) => x.spec.reference?.['kind'] === 'Trigger',
    );
    expect(owned?.metadata.name).toMatch(/^et-bill-[0-9a-f]{32}$/);
    expect(owned?.metadata.ownerReferences).toEqual([
      { apiVersion: eventing, kind: 'Trigger', name: 'bill', uid: trigger.metadata.uid },
    ]);
    void et;
  }, 60_000);

  it('an event on an InMemoryChannel creates an EventType owned by the channel', async () => {
    const imc = await sys.client.create({
      apiVersion: 'messaging.knative.dev/v1',
      kind: 'InMemoryChannel',
      metadata: { namespace: ns, name: 'orders' },
      spec: {},
    } as KubeObject);
    await h.whenReady(h.ref('InMemoryChannel', 'orders', 'messaging.knative.dev/v1'));
    const [et] = await eventually('the channel EventType', async () => {
      const e = binary('dev.example.channel.thing', '/chan', `c-${Date.now()}`, { a: 1 });
      await post(
        `http://127.0.0.1:${sys.ports['imc-dispatcher']}/${ns}/orders`,
        { ...e.headers },
        e.body,
      );
      const found = await h.ofType('dev.example.channel.thing');
      return found.length > 0 ? found : undefined;
    });
    expect(et?.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'messaging.knative.dev/v1',
        kind: 'InMemoryChannel',
        name: 'orders',
        uid: imc.metadata.uid,
      },
    ]);
    // The Broker's own trigger channel (an InMemoryChannel too) registers nothing.
    const onTriggerChannel = (await h.list()).filter(
      (x) => x.spec.reference?.['name'] === 'default-kne-trigger',
    );
    expect(onTriggerChannel).toEqual([]);
  }, 60_000);

  it.each(durableChannels.map((k) => [k.kind, k] as const))(
    'an event stored on a %s creates an EventType owned by the channel',
    async (_kind, k) => {
      const name = `stored-${k.kind.toLowerCase()}`;
      const channel = await sys.client.create({
        apiVersion: k.apiVersion,
        kind: k.kind,
        metadata: { namespace: ns, name },
        spec: {},
      } as KubeObject);
      await h.whenReady(h.ref(k.kind, name, k.apiVersion));
      const type = `dev.example.stored.${k.kind.toLowerCase()}`;
      const port = sys.channelApps[k.service]?.port ?? 0;
      const [et] = await eventually(`the ${k.kind} EventType`, async () => {
        const e = binary(type, '/stored', `s-${Date.now()}`, { a: 1 });
        await post(`http://127.0.0.1:${port}/${ns}/${name}`, { ...e.headers }, e.body);
        const found = await h.ofType(type);
        return found.length > 0 ? found : undefined;
      });
      expect(et?.metadata.ownerReferences).toEqual([
        { apiVersion: k.apiVersion, kind: k.kind, name, uid: channel.metadata.uid },
      ]);
    },
    90_000,
  );

  it('both versions read every EventType, whichever version wrote it', async () => {
    await sys.client.create({
      apiVersion: B2,
      kind: 'EventType',
      metadata: { namespace: ns, name: 'written-v1beta2' },
      spec: {
        type: 'dev.example.v2',
        source: 'https://example.com/v2',
        schema: 'https://example.com/schemas/v2.json',
        schemaData: '{"type":"object"}',
        description: 'written as v1beta2',
        reference: { apiVersion: eventing, kind: 'Broker', name: 'default' },
      },
    } as KubeObject);
    await sys.client.create({
      apiVersion: B3,
      kind: 'EventType',
      metadata: { namespace: ns, name: 'written-v1beta3' },
      spec: {
        description: 'written as v1beta3',
        reference: { apiVersion: eventing, kind: 'Broker', name: 'default' },
        attributes: [
          { name: 'type', required: true, value: 'dev.example.v3' },
          { name: 'source', required: true, value: '/v3' },
          { name: 'specversion', required: true, value: '1.0' },
          { name: 'id', required: true },
        ],
      },
    } as KubeObject);

    const v3 = await sys.client.get<EventTypeV3>(h.ref('EventType', 'written-v1beta2', B3));
    expect(v3.spec.attributes).toEqual([
      { name: 'type', required: true, value: 'dev.example.v2' },
      { name: 'schemadata', required: false, value: 'https://example.com/schemas/v2.json' },
      { name: 'source', required: true, value: 'https://example.com/v2' },
    ]);
    expect(v3.metadata.annotations?.['knative-ts.dev/schemaData']).toBe('{"type":"object"}');
    const v2 = await sys.client.get<EventTypeV2>(h.ref('EventType', 'written-v1beta3', B2));
    expect(v2.spec).toEqual({
      type: 'dev.example.v3',
      source: '/v3',
      description: 'written as v1beta3',
      reference: { apiVersion: eventing, kind: 'Broker', name: 'default' },
    });
    // And back: the v1beta2 object read as v1beta2 is what was written.
    const back = await sys.client.get<EventTypeV2>(h.ref('EventType', 'written-v1beta2', B2));
    expect(back.spec.schemaData).toBe('{"type":"object"}');

    // An update through v1beta2 shows in v1beta3.
    await sys.client.patch(h.ref('EventType', 'written-v1beta3', B2), {
      spec: { source: '/v3/changed' },
    });
    const changed = await sys.client.get<EventTypeV3>(h.ref('EventType', 'written-v1beta3', B3));
    expect(attr(changed, 'source')).toBe('/v3/changed');

    await h.whenReady(h.ref('EventType', 'written-v1beta2', B3));
    for (const [resource, header] of [
      [
        'eventtypes',
        /^NAME\s+TYPE\s+SOURCE\s+REFERENCE NAME\s+REFERENCE KIND\s+DESCRIPTION\s+READY\s+REASON$/m,
      ],
      [
        'eventtypes.v1beta2.eventing.knative.dev',
        /^NAME\s+TYPE\s+SOURCE\s+SCHEMA\s+REFERENCE NAME\s+REFERENCE KIND\s+DESCRIPTION\s+READY\s+REASON$/m,
      ],
    ] as const) {
      const got = await kubectl(['get', resource, '-n', ns, 'written-v1beta2', 'written-v1beta3']);
      expect(got.stderr).toBe('');
      expect(got.stdout).toMatch(header);
      expect(got.stdout).toMatch(
        /written-v1beta2\s+dev\.example\.v2\s+https:\/\/example\.com\/v2\s/,
      );
      expect(got.stdout).toMatch(/written-v1beta3\s+dev\.example\.v3\s+\/v3\/changed\s/);
    }
  }, 60_000);

  it('EventTypes go with their owner: deleting the Broker removes its auto-created types', async () => {
    const owned = (await h.list()).filter(
      (et) => et.metadata.ownerReferences?.[0]?.kind === 'Broker',
    );
    expect(owned.length).toBeGreaterThan(0);
    await sys.client.delete(h.ref('Broker', 'default'));
    await eventually('the garbage collector to remove the Broker-owned EventTypes', async () =>
      (await h.list()).some((et) => et.metadata.ownerReferences?.[0]?.kind === 'Broker')
        ? undefined
        : true,
    );
    // Hand-written ones (no owner) stay, now without their Broker.
    const left = await sys.client.get<EventTypeV3>(h.ref('EventType', 'written-v1beta3', B3));
    await eventually('ReferenceExists to turn False', async () => {
      const et = await sys.client.get<EventTypeV3>(h.ref('EventType', 'written-v1beta3', B3));
      const c = et.status?.conditions?.find((x) => x.type === 'ReferenceExists');
      return c?.status === 'False' && c.reason === 'ResourceDoesNotExist' ? true : undefined;
    });
    void left;
  }, 60_000);
});

describe('the discovery scenario of deploy/examples/registry', () => {
  const ns = uniqueName('itest-discovery');
  let sys: LocalEventing;
  let display: EventServer;
  const h = helpers(() => sys, ns);

  beforeAll(async () => {
    await installCrds();
    sys = await startRegistry('itest-discovery-sys', 'enabled');
    await sys.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    // The example unchanged but for its Deployment, run as a local process instead.
    display = await startEventServer();
    for (const obj of loadExample('registry').filter((o) => o.kind !== 'Deployment')) {
      if (obj.kind === 'Service')
        await sys.registerService(ns, obj.metadata.name ?? '', display.port);
      else await sys.client.create({ ...obj, metadata: { ...obj.metadata, namespace: ns } });
    }
    await h.whenReady(h.ref('Broker', 'default'));
  }, 180_000);

  afterAll(async () => {
    await display?.close();
    if (sys) {
      await sys.client
        .delete({ apiVersion: 'v1', kind: 'Namespace', name: ns })
        .catch(() => undefined);
      await sys.stop();
    }
  }, 60_000);

  it('lists the namespace EventTypes, makes a Trigger from one, and its subscriber gets exactly those events', async () => {
    const broker = sys.brokerUrl(ns, 'default');
    await eventually('broker-ingress to route the broker', async () => {
      const probe = binary('probe.nobody', '/probe', 'probe', {});
      return (await post(broker, probe.headers, probe.body)).status === 202 ? true : undefined;
    });
    const traffic = [
      ['dev.example.order.created', '/shop'],
      ['dev.example.order.shipped', '/shop'],
      ['dev.example.order.created', '/warehouse'],
    ] as const;
    const order = {
      orderId: 42,
      placedAt: '2026-12-01T09:00:00Z',
      link: 'https://shop.example/o/42',
    };
    for (const [type, source] of traffic) {
      const e = binary(type, source, `${type}-${source}`, order);
      expect((await post(broker, e.headers, e.body)).status).toBe(202);
    }

    // Command one: list the types.
    const listed = await eventually('every type to be listed', async () => {
      const got = await kubectl(['get', 'eventtypes', '-n', ns]);
      return got.stdout.includes('dev.knative.sources.ping') &&
        traffic.every(([type, source]) =>
          new RegExp(`${type.replace(/\./g, '\\.')}\\s+${source}\\s`).test(got.stdout),
        )
        ? got.stdout
        : undefined;
    });
    // Pick the shop's created orders.
    const row = listed.split('\n').find((l) => /\sdev\.example\.order\.created\s+\/shop\s/.test(l));
    const name = row?.split(/\s+/)[0] ?? '';
    expect(name).toMatch(/^et-default-/);

    // Command two: the Trigger for it, applied.
    const printed = await triggerFor(
      [name, '-n', ns, '--subscriber', 'event-display'],
      sys.kubeconfig,
    );
    expect(printed.stderr).toBe('');
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain('type: dev.example.order.created');
    const applied = await kubectl(['apply', '-f', '-'], { input: printed.stdout });
    expect(applied.stderr).toBe('');
    const trigger = await h.whenReady(h.ref('Trigger', 'trigger-dev-example-order-created'));
    expect((trigger as KubeObject & { spec: Record<string, unknown> }).spec['filter']).toEqual({
      attributes: { type: 'dev.example.order.created', source: '/shop' },
    });
    await eventually('broker-filter to know the new trigger', async () => {
      const url = `http://127.0.0.1:${sys.ports['broker-filter']}/triggers/${ns}/${trigger.metadata.name ?? ''}/${trigger.metadata.uid ?? ''}`;
      return (await post(url, binary('x', '/x', 'x', {}).headers, '{}')).status === 400
        ? true
        : undefined;
    });

    // Traffic again: only the shop's created orders reach the display.
    for (let round = 0; round < 3; round++) {
      for (const [type, source] of traffic) {
        const e = binary(type, source, `r${round}-${type}-${source}`, order);
        expect((await post(broker, e.headers, e.body)).status).toBe(202);
      }
    }
    await eventually('the display to receive the three matching events', async () =>
      display.requests.length >= 3 ? true : undefined,
    );
    await settle(1500);
    expect(
      display.requests.map((r) => [
        r.headers['ce-type'],
        r.headers['ce-source'],
        r.headers['ce-id'],
      ]),
    ).toEqual(
      [0, 1, 2].map((round) => [
        'dev.example.order.created',
        '/shop',
        `r${round}-dev.example.order.created-/shop`,
      ]),
    );
  }, 90_000);
});

describe('the event registry with eventtype-auto-create disabled', () => {
  const ns = uniqueName('itest-registry-off');
  let sys: LocalEventing;
  let display: EventServer;
  const h = helpers(() => sys, ns);

  beforeAll(async () => {
    await installCrds();
    sys = await startRegistry('itest-registry-off-sys', 'disabled');
    await sys.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await h.createBroker('default');
    display = await startEventServer();
    await sys.registerService(ns, 'display', display.port);
    await sys.client.create({
      apiVersion: eventing,
      kind: 'Trigger',
      metadata: { namespace: ns, name: 'all' },
      spec: {
        broker: 'default',
        subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name: 'display' } },
      },
    } as KubeObject);
    await h.whenReady(h.ref('Trigger', 'all'));
  }, 180_000);

  afterAll(async () => {
    await display?.close();
    if (sys) {
      await sys.client
        .delete({ apiVersion: 'v1', kind: 'Namespace', name: ns })
        .catch(() => undefined);
      await sys.stop();
    }
  }, 60_000);

  it('creates no EventType for traffic', async () => {
    await eventually('the trigger to deliver', async () => {
      const e = binary('dev.example.off', '/off', `off-${Date.now()}`, { a: 1 });
      await post(sys.brokerUrl(ns, 'default'), e.headers, e.body);
      return display.requests.length > 0 ? true : undefined;
    });
    await burst(200, 16, async (i) => {
      const e = binary(`dev.example.off.${i % 4}`, '/off', `off-${i}`, { a: i });
      return (await post(sys.brokerUrl(ns, 'default'), e.headers, e.body)).status;
    });
    await eventually('every event delivered', async () =>
      display.requests.length >= 201 ? true : undefined,
    );
    await settle(2000);
    expect(await h.list()).toEqual([]);
  }, 60_000);
});
