import {
  compileDelivery,
  prefilteredSender,
  TriggerPrefilter,
  type CloudEvent,
  type DispatchRequest,
  type DispatchResult,
} from '@knative-ts/delivery';
import { createLogger } from '@knative-ts/runtime';
import type { EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { CompiledSubscriber } from './channel-config.js';
import { toRecord } from './kafka-binding.js';
import { SubscriberConsumer } from './subscriber-consumer.js';

const log = createLogger({ component: 'test', level: 'silent' });
const filterHost = 'broker-filter.knative-eventing.svc.cluster.local';
const toOrders = `http://${filterHost}/triggers/ns/orders/uid-orders`;

// Trigger `orders` takes `order.created` only (a stand-in for @knative-ts/eventfilter).
const prefilter = new TriggerPrefilter(filterHost, (spec) => ({
  ok: true,
  matches: (e) => e.attributes['type'] === spec.filter?.attributes?.['type'],
}));
prefilter.set({
  apiVersion: 'eventing.knative.dev/v1',
  kind: 'Trigger',
  metadata: { namespace: 'ns', name: 'orders', uid: 'uid-orders' },
  spec: { broker: 'default', filter: { attributes: { type: 'order.created' } }, subscriber: {} },
  status: { subscriberUri: 'http://sink.ns.svc.cluster.local' },
});

/** A record of the broker's trigger channel, as kafkajs hands it out. */
function message(offset: number, type: string): KafkaMessage {
  const event: CloudEvent = {
    attributes: {
      specversion: '1.0',
      id: `e${offset}`,
      source: '/s',
      type,
      knativebrokerttl: '255',
    },
  };
  const record = toRecord(event);
  return {
    offset: String(offset),
    key: null,
    value: record.value,
    headers: record.headers,
    timestamp: '0',
    attributes: 0,
  } as KafkaMessage;
}

/** A kafkajs consumer that hands one batch to eachBatch and records the resolved offsets. */
function fakeKafka(messages: KafkaMessage[]) {
  const resolved: string[] = [];
  let batchDone!: () => void;
  const done = new Promise<void>((r) => (batchDone = r));
  const consumer = {
    events: { GROUP_JOIN: 'join', CRASH: 'crash' },
    on: () => undefined,
    connect: async () => undefined,
    subscribe: async () => undefined,
    disconnect: async () => undefined,
    run: async ({ eachBatch }: { eachBatch: (p: EachBatchPayload) => Promise<void> }) => {
      await eachBatch({
        batch: { partition: 0, messages },
        resolveOffset: (o: string) => resolved.push(o),
        heartbeat: async () => undefined,
        isRunning: () => true,
        isStale: () => false,
        commitOffsetsIfNecessary: async () => undefined,
      } as unknown as EachBatchPayload);
      batchDone();
    },
  };
  return {
    kafka: { consumer: () => consumer } as unknown as Pick<Kafka, 'consumer'>,
    resolved,
    done,
  };
}

describe('SubscriberConsumer with the Trigger prefilter', () => {
  it.each([
    // [case, event types in the topic, subscriber answer, requests made]
    ['the Trigger rejects every event: all committed, no request', ['order.paid', 'x'], 200, 0],
    ['the Trigger takes one of three: one request', ['order.paid', 'order.created', 'x'], 200, 1],
    ['a failing delivery is still resolved after the retries', ['order.created'], 500, 1],
  ])('%s', async (_case, types, status, requests) => {
    const messages = types.map((t, i) => message(i, t));
    const { kafka, resolved, done } = fakeKafka(messages);
    const sent: string[] = [];
    const sender = prefilteredSender(
      {
        dispatch: async (e: CloudEvent, _r: DispatchRequest): Promise<DispatchResult> => {
          sent.push(e.attributes['id'] ?? '');
          return { ok: status < 300, deadLettered: false, status };
        },
      },
      prefilter,
    );
    const sub: CompiledSubscriber = {
      uid: 'u1',
      group: 'kafka.ns.default-kne-trigger.u1',
      subscriber: toOrders,
      config: compileDelivery({}),
    };
    const consumer = new SubscriberConsumer({
      kafka,
      admin: { run: async () => undefined as never },
      namespace: 'ns',
      channel: 'default-kne-trigger',
      topic: 'knative-messaging-kafka.ns.default-kne-trigger',
      group: sub.group,
      order: 'ordered',
      current: () => sub,
      sender,
      log,
      maxInFlight: 1,
      fetch: { maxBytesPerPartition: 1024, maxBytes: 1024 },
    });
    consumer.start();
    await done;
    await consumer.stop();
    // Every offset resolved (committed), in order; requests only for what the Trigger takes.
    expect(resolved).toEqual(messages.map((m) => m.offset));
    expect(sent).toHaveLength(requests);
  });
});
