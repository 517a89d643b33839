import type { Trigger } from '@knative-ts/types';
import type { CloudEvent } from '../event.js';
import { TriggerPrefilter, type CompileTriggerFilter } from './trigger-prefilter.js';

const FILTER_HOST = 'broker-filter.knative-eventing.svc.cluster.local';

// A stand-in for @knative-ts/eventfilter: `filter.attributes` exact match, and a filter
// attribute named `invalid` that does not compile (or `throws`, whose compiler throws).
const compile: CompileTriggerFilter = (spec) => {
  const attrs = spec.filter?.attributes ?? {};
  if ('invalid' in attrs) return { ok: false };
  if ('throws' in attrs) throw new Error('too deep');
  return {
    ok: true,
    matches: (e) => Object.entries(attrs).every(([k, v]) => e.attributes[k] === v),
  };
};

function trigger(
  name: string,
  filter: string | Record<string, string>,
  status: Trigger['status'] = { subscriberUri: 'http://sink.ns.svc.cluster.local' },
): Trigger {
  const attributes = typeof filter === 'string' ? { type: filter } : filter;
  return {
    apiVersion: 'eventing.knative.dev/v1',
    kind: 'Trigger',
    metadata: { namespace: 'ns', name, uid: `uid-${name}` },
    spec: { broker: 'default', filter: { attributes }, subscriber: {} },
    status,
  } as Trigger;
}

const url = (name: string, uid = `uid-${name}`, host = FILTER_HOST) =>
  `http://${host}/triggers/ns/${name}/${uid}`;

const event = (type: string, ttl: string | null = '255'): CloudEvent => ({
  attributes: {
    specversion: '1.0',
    id: '1',
    source: '/s',
    type,
    ...(ttl !== null && { knativebrokerttl: ttl }),
  },
});

describe('TriggerPrefilter.skips', () => {
  const prefilter = new TriggerPrefilter(FILTER_HOST, compile);
  prefilter.set(trigger('orders', 'order.created'));
  prefilter.set(trigger('bad', { invalid: 'y' }));
  prefilter.set(trigger('deep', { throws: 'y' }));
  prefilter.set(trigger('unresolved', 'order.created', {}));
  prefilter.set(trigger('on-ttl', { knativebrokerttl: '255' }));

  it.each([
    // [case, subscriber URI, event, skipped]
    ['a Trigger whose filter rejects the event', url('orders'), event('order.paid'), true],
    ['a Trigger whose filter takes the event', url('orders'), event('order.created'), false],
    [
      'another host than broker-filter',
      url('orders', 'uid-orders', 'sink.ns.svc'),
      event('order.paid'),
      false,
    ],
    ['an unknown Trigger', url('nobody'), event('order.paid'), false],
    [
      'a Trigger re-created under another UID',
      url('orders', 'uid-old'),
      event('order.paid'),
      false,
    ],
    ['a filter that does not compile', url('bad'), event('order.paid'), false],
    ['a filter whose compiler throws', url('deep'), event('order.paid'), false],
    [
      'a Trigger with no resolved subscriber (filter answers 404)',
      url('unresolved'),
      event('order.paid'),
      false,
    ],
    [
      'an event without broker TTL (filter answers 400)',
      url('orders'),
      event('order.paid', null),
      false,
    ],
    ['an event with an invalid broker TTL', url('orders'), event('order.paid', 'many'), false],
    ['the reply endpoint', `${url('orders')}/reply`, event('order.paid'), false],
    [
      'a filter on the TTL, which broker-filter strips first',
      url('on-ttl'),
      event('order.created'),
      true,
    ],
  ])('%s', (_case, uri, e, skipped) => {
    expect(prefilter.skipper(e)?.(uri) ?? false).toBe(skipped);
  });

  it('forgets a deleted Trigger, and a reload takes the new filter', () => {
    const p = new TriggerPrefilter(FILTER_HOST, compile);
    p.set(trigger('t', 'a'));
    const skips = (uri: string, e: CloudEvent) => p.skipper(e)?.(uri) ?? false;
    expect(skips(url('t'), event('b'))).toBe(true);
    p.set(trigger('t', 'b'));
    expect(skips(url('t'), event('b'))).toBe(false);
    p.delete(trigger('t', 'b'));
    expect(skips(url('t'), event('c'))).toBe(false);
  });
});
