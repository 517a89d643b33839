import {
  compileDelivery,
  DeliveryError,
  DeliveryErrorCode,
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
