import type { Trigger } from '@knative-ts/types';
import type { CloudEvent } from '../event.js';
import type { DispatchRequest, DispatchResult } from '../sender/sender.js';
import { prefilteredSender } from './prefiltered-sender.js';
import { TriggerPrefilter, type CompileTriggerFilter } from './trigger-prefilter.js';

const FILTER_HOST = 'broker-filter.knative-eventing.svc.cluster.local';

// A stand-in for @knative-ts/eventfilter: `filter.attributes` exact match.
const compile: CompileTriggerFilter = (spec) => {
  const attrs = spec.filter?.attributes ?? {};
  return {
    ok: true,
    matches: (e) => Object.entries(attrs).every(([k, v]) => e.attributes[k] === v),
  };
};

const trigger = (name: string, type: string): Trigger =>
  ({
    apiVersion: 'eventing.knative.dev/v1',
    kind: 'Trigger',
    metadata: { namespace: 'ns', name, uid: `uid-${name}` },
    spec: { broker: 'default', filter: { attributes: { type } }, subscriber: {} },
    status: { subscriberUri: 'http://sink.ns.svc.cluster.local' },
  }) as Trigger;

const toTrigger = (name: string) => `http://${FILTER_HOST}/triggers/ns/${name}/uid-${name}`;

const event = (type: string, ttl = true): CloudEvent => ({
  attributes: {
    specversion: '1.0',
    id: '1',
    source: '/s',
    type,
    ...(ttl && { knativebrokerttl: '255' }),
  },
});

const delivered: DispatchResult = { ok: true, deadLettered: false, status: 202 };
const failed: DispatchResult = { ok: false, deadLettered: false, status: 500 };

function setUp(answer: DispatchResult) {
  const prefilter = new TriggerPrefilter(FILTER_HOST, compile);
  prefilter.set(trigger('orders', 'order.created'));
  const sent: string[] = [];
  const sender = prefilteredSender(
    {
      dispatch: (_e: CloudEvent, r: DispatchRequest) => {
        sent.push(r.subscriber);
        return Promise.resolve(answer);
      },
    },
    prefilter,
  );
  return { sender, sent };
}

describe('prefilteredSender', () => {
  it.each([
    // [case, subscriber, event, what the subscriber answers, result, requests made]
    [
      'a Trigger whose filter rejects the event: settled as delivered, no request',
      toTrigger('orders'),
      event('order.paid'),
      failed,
      { ok: true, deadLettered: false },
      0,
    ],
    [
      'a Trigger whose filter takes the event: the request, and its answer',
      toTrigger('orders'),
      event('order.created'),
      delivered,
      delivered,
      1,
    ],
    [
      'a failing delivery to a matching Trigger stays a failure',
      toTrigger('orders'),
      event('order.created'),
      failed,
      failed,
      1,
    ],
    [
      'an unknown Trigger: broker-filter decides',
      toTrigger('nobody'),
      event('order.paid'),
      delivered,
      delivered,
      1,
    ],
    [
      'an event without broker TTL: broker-filter answers (400)',
      toTrigger('orders'),
      event('order.paid', false),
      failed,
      failed,
      1,
    ],
    [
      'a subscriber that is not broker-filter',
      'http://sink.ns.svc.cluster.local',
      event('order.paid'),
      delivered,
      delivered,
      1,
    ],
  ])('%s', async (_case, subscriber, e, answer, result, requests) => {
    const { sender, sent } = setUp(answer);
    const got = await sender.dispatch(e, { subscriber, config: {} as DispatchRequest['config'] });
    expect(got).toEqual(result);
    expect(sent).toHaveLength(requests);
  });
});
