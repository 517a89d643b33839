import type { CloudEvent } from '@knative-ts/delivery';
import type { KubeObject } from '@knative-ts/kube';
import { FakeKubeClient } from '@knative-ts/kube/testing';
import { silentLogger } from '@knative-ts/reconciler';
import type { EventTypeV1beta3 } from '@knative-ts/types';
import { EventTypeAutoCreator, type AutoCreateLimits } from './auto-creator.js';

const owner = {
  apiVersion: 'eventing.knative.dev/v1',
  kind: 'Broker',
  namespace: 'demo',
  name: 'default',
};
const broker = {
  apiVersion: 'eventing.knative.dev/v1',
  kind: 'Broker',
  metadata: { namespace: 'demo', name: 'default', uid: 'broker-uid' },
  spec: {},
} as KubeObject;

function event(type: string, data?: unknown, extra: Record<string, string> = {}): CloudEvent {
  const attributes = {
    specversion: '1.0',
    id: String(Math.random()),
    source: '/shop',
    type,
    ...extra,
  };
  return data === undefined
    ? { attributes }
    : {
        attributes,
        data: new TextEncoder().encode(typeof data === 'string' ? data : JSON.stringify(data)),
      };
}

function setup(
  objects: KubeObject[] = [broker],
  limits: Partial<AutoCreateLimits> = {},
  enabled = true,
) {
  const client = new FakeKubeClient({ objects });
  const creator = new EventTypeAutoCreator({
    client,
    log: silentLogger,
    enabled: () => enabled,
    limits: { writesPerSecond: 1000, ...limits },
  });
  const eventTypes = async () =>
    (
      await client.list<EventTypeV1beta3>({
        apiVersion: 'eventing.knative.dev/v1beta3',
        kind: 'EventType',
      })
    ).items;
  return { client, creator, eventTypes };
}

const schemaOf = (et: EventTypeV1beta3 | undefined): unknown =>
  JSON.parse(et?.metadata.annotations?.['knative-ts.dev/schemaData'] ?? 'null');

describe('EventTypeAutoCreator', () => {
  it('creates one EventType for a burst of one (type, source), owned by the broker', async () => {
    const { client, creator, eventTypes } = setup();
    for (let i = 0; i < 1000; i++) creator.observe(owner, event('dev.example.order', { n: i }));
    await creator.idle();
    const ets = await eventTypes();
    expect(ets).toHaveLength(1);
    expect(ets[0]?.metadata.name).toMatch(/^et-default-[0-9a-f]{32}$/);
    expect(ets[0]?.metadata.ownerReferences).toEqual([
      { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'default', uid: 'broker-uid' },
    ]);
    expect(ets[0]?.spec.attributes.slice(0, 2)).toEqual([
      { name: 'type', required: true, value: 'dev.example.order' },
      { name: 'source', required: true, value: '/shop' },
    ]);
    expect(client.mutations().filter((a) => a.verb === 'create')).toHaveLength(1);
  });

  it('does nothing at all when the flag is off', async () => {
    const { client, creator } = setup([broker], {}, false);
    creator.observe(owner, event('dev.example.order', { n: 1 }));
    await creator.idle();
    expect(client.actions).toEqual([]);
    expect(creator.size).toBe(0);
  });

  it('keeps the schema inferred from the data seen, merged', async () => {
    const { creator, eventTypes } = setup();
    creator.observe(owner, event('t', { id: 1, at: '2026-12-01T09:00:00Z', note: 'x' }));
    await creator.idle();
    creator.observe(owner, event('t', { id: 2.5, at: '2026-12-01T10:00:00Z' }));
    await creator.idle();
    expect(schemaOf((await eventTypes())[0])).toEqual({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: {
        id: { type: 'number' },
        at: { type: 'string', format: 'date-time' },
        note: { type: 'string' },
      },
      required: ['at', 'id'],
    });
  });

  it('merges into a schema another replica stored', async () => {
    const { client, creator, eventTypes } = setup();
    creator.observe(owner, event('t', { a: 1 }));
    await creator.idle();
    const [et] = await eventTypes();
    await client.patch(
      {
        apiVersion: 'eventing.knative.dev/v1beta3',
        kind: 'EventType',
        namespace: 'demo',
        name: et?.metadata.name ?? '',
      },
      {
        metadata: {
          annotations: {
            'knative-ts.dev/schemaData':
              '{"type":"object","properties":{"b":{"type":"string"}},"required":["b"]}',
          },
        },
      },
    );
    creator.observe(owner, event('t', { a: 2, c: true }));
    await creator.idle();
    expect(schemaOf((await eventTypes())[0])).toMatchObject({
      properties: { a: { type: 'integer' }, b: { type: 'string' }, c: { type: 'boolean' } },
      required: [],
    });
  });

  it('takes an EventType that exists (AlreadyExists) as created', async () => {
    const first = setup();
    first.creator.observe(owner, event('t', { a: 1 }));
    await first.creator.idle();
    const existing = await first.eventTypes();
    const second = setup([broker, ...existing]);
    second.creator.observe(owner, event('t', { a: 1 }));
    await second.creator.idle();
    expect(await second.eventTypes()).toHaveLength(1);
  });

  it('creates no schema for data that is not JSON', async () => {
    const { creator, eventTypes } = setup();
    creator.observe(owner, event('t', 'plain text', { datacontenttype: 'text/plain' }));
    creator.observe(owner, event('u', '{not json'));
    await creator.idle();
    const ets = await eventTypes();
    expect(ets).toHaveLength(2);
    expect(ets.map((et) => et.metadata.annotations)).toEqual([undefined, undefined]);
  });

  it('skips a channel controlled by a Broker (its trigger channel)', async () => {
    const imc = {
      apiVersion: 'messaging.knative.dev/v1',
      kind: 'InMemoryChannel',
      metadata: {
        namespace: 'demo',
        name: 'default-kne-trigger',
        uid: 'imc-uid',
        ownerReferences: [
          {
            apiVersion: 'eventing.knative.dev/v1',
            kind: 'Broker',
            name: 'default',
            uid: 'broker-uid',
            controller: true,
          },
        ],
      },
    } as KubeObject;
    const { creator, eventTypes } = setup([imc]);
    const channel = {
      apiVersion: 'messaging.knative.dev/v1',
      kind: 'InMemoryChannel',
      namespace: 'demo',
      name: 'default-kne-trigger',
    };
    creator.observe(channel, event('t', { a: 1 }));
    await creator.idle();
    creator.observe(channel, event('t', { a: 1 }));
    await creator.idle();
    expect(await eventTypes()).toEqual([]);
  });

  it('retries later when the owner does not exist yet', async () => {
    let now = 0;
    const client = new FakeKubeClient({ objects: [] });
    const creator = new EventTypeAutoCreator({
      client,
      log: silentLogger,
      enabled: () => true,
      limits: { writesPerSecond: 1000, retryMs: 100 },
      clock: {
        now: () => now,
        setTimeout: (fn) => setTimeout(fn, 0),
        clearTimeout: (h) => clearTimeout(h as never),
      },
    });
    creator.observe(owner, event('t'));
    await creator.idle();
    await client.create(broker);
    creator.observe(owner, event('t'));
    await creator.idle();
    expect(
      (await client.list({ apiVersion: 'eventing.knative.dev/v1beta3', kind: 'EventType' })).items,
    ).toHaveLength(0);
    now = 200;
    creator.observe(owner, event('t'));
    await creator.idle();
    expect(
      (await client.list({ apiVersion: 'eventing.knative.dev/v1beta3', kind: 'EventType' })).items,
    ).toHaveLength(1);
  });

  it('forgets the oldest pair past maxEntries', async () => {
    const { creator } = setup([broker], { maxEntries: 2 });
    for (const t of ['a', 'b', 'c']) creator.observe(owner, event(t));
    await creator.idle();
    expect(creator.size).toBe(2);
  });

  it('paces writes to writesPerSecond', async () => {
    let now = 0;
    const waits: number[] = [];
    const client = new FakeKubeClient({ objects: [broker] });
    const creator = new EventTypeAutoCreator({
      client,
      log: silentLogger,
      enabled: () => true,
      limits: { writesPerSecond: 10 },
      clock: {
        now: () => now,
        setTimeout: (fn, ms) => {
          waits.push(ms);
          now += ms;
          return setTimeout(fn, 0);
        },
        clearTimeout: (h) => clearTimeout(h as never),
      },
    });
    for (const t of ['a', 'b', 'c']) creator.observe(owner, event(t));
    await creator.idle();
    expect(waits).toEqual([100, 100]);
  });
});
