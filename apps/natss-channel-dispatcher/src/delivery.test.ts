import {
  compileDelivery,
  DeliveryError,
  DeliveryErrorCode,
  prefilteredSender,
  TriggerPrefilter,
  type DispatchResult,
} from '@knative-ts/delivery';
import { createLogger } from '@knative-ts/runtime';
import type { JsMsg } from '@nats-io/jetstream';
import type { CompiledSubscriber } from './channel-config.js';
import { deliverTo } from './delivery.js';
import { toMessage } from './event-message.js';
import type { Outcome } from './subscription-consumer.js';

const log = createLogger({ component: 'test', level: 'silent' });
const stored = toMessage({ attributes: { specversion: '1.0', id: '1', source: '/s', type: 't' } });
const msg = {
  headers: Object.entries(stored.headers).map(([k, v]): [string, string[]] => [k, [v]]),
  data: stored.payload,
  seq: 1,
  info: { deliveryCount: 2 },
} as unknown as JsMsg;
// Only what a delivery reads; the consumer settings belong to the consumer.
const sub = {
  uid: 'u1',
  subscriber: 'http://sub.ns.svc.cluster.local',
  config: compileDelivery({}),
} as CompiledSubscriber;

describe('deliverTo', () => {
  it.each<[string, DispatchResult, Outcome]>([
    ['delivered or dead-lettered', { ok: true, deadLettered: false }, 'ack'],
    [
      'failed for good without a dead-letter sink',
      {
        ok: false,
        deadLettered: false,
        error: new DeliveryError(DeliveryErrorCode.HttpStatus, '400'),
      },
      'term',
    ],
    [
      'abandoned at shutdown (left for redelivery, never dropped)',
      {
        ok: false,
        deadLettered: false,
        error: new DeliveryError(DeliveryErrorCode.Aborted, 'stop'),
      },
      'abandon',
    ],
    [
      'failed with attempts left: NAKed with the backoff delay',
      {
        ok: false,
        deadLettered: false,
        status: 503,
        error: new DeliveryError(DeliveryErrorCode.HttpStatus, '503'),
        retryInMs: 400,
      },
      { retryInMs: 400 },
    ],
  ])('%s', async (_name, result, outcome) => {
    const signals: AbortSignal[] = [];
    const attempts: Array<number | undefined> = [];
    const deliver = deliverTo({
      sender: {
        dispatch: async (_e, req) => {
          if (req.signal) signals.push(req.signal);
          attempts.push(req.attempt);
          return result;
        },
      },
      sub,
      namespace: 'ns',
      channel: 'ns/ch',
      log,
    });
    const stop = new AbortController();
    expect(await deliver(msg, stop.signal)).toEqual(outcome);
    // The consumer's stop signal reaches the dispatch; JetStream's count is the attempt.
    expect(signals).toEqual([stop.signal]);
    expect(attempts).toEqual([2]);
  });
});

describe('deliverTo with the Trigger prefilter', () => {
  const filterHost = 'broker-filter.knative-eventing.svc.cluster.local';
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
  const toOrders = { ...sub, subscriber: `http://${filterHost}/triggers/ns/orders/uid-orders` };
  const stored = (type: string) => {
    const m = toMessage({
      attributes: { specversion: '1.0', id: '1', source: '/s', type, knativebrokerttl: '255' },
    });
    return {
      headers: Object.entries(m.headers).map(([k, v]): [string, string[]] => [k, [v]]),
      data: m.payload,
      seq: 1,
      info: { deliveryCount: 1 },
    } as unknown as JsMsg;
  };
  const rejected: DispatchResult = {
    ok: false,
    deadLettered: false,
    error: new DeliveryError(DeliveryErrorCode.HttpStatus, '400'),
  };

  it.each<[string, string, DispatchResult, Outcome, number]>([
    // [case, event type, what broker-filter answers, outcome, requests made]
    ['the Trigger rejects the event: acked without the request', 'order.paid', rejected, 'ack', 0],
    [
      'the Trigger takes it: delivered and acked',
      'order.created',
      { ok: true, deadLettered: false },
      'ack',
      1,
    ],
    [
      'the Trigger takes it, delivery fails for good: terminated',
      'order.created',
      rejected,
      'term',
      1,
    ],
  ])('%s', async (_name, type, answer, outcome, requests) => {
    let sent = 0;
    const inner = {
      dispatch: async () => {
        sent++;
        return answer;
      },
    };
    const deliver = deliverTo({
      sender: prefilteredSender(inner, prefilter),
      sub: toOrders,
      namespace: 'ns',
      channel: 'ns/default-kne-trigger',
      log,
    });
    expect(await deliver(stored(type), new AbortController().signal)).toEqual(outcome);
    expect(sent).toBe(requests);
  });
});
