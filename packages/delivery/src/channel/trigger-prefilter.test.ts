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
  calls.matches = 0;
  return {
    ok: true,
    matches: (e) => {
      calls.matches++;
      return Object.entries(attrs).every(([k, v]) => e.attributes[k] === v);
    },
    ...(attrs['type'] && { exactType: attrs['type'] }),
  };
};
/** How often the compiled filters ran since the last compile (see the cost test). */
const calls = { matches: 0 };

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

describe('TriggerPrefilter.select', () => {
  const prefilter = new TriggerPrefilter(FILTER_HOST, compile);
  for (const t of [
    trigger('orders', 'order.created'),
    trigger('paid', 'order.paid'),
    trigger('also-paid', 'order.paid'),
    trigger('by-source', { source: '/s' }),
    trigger('bad', { invalid: 'y' }),
    trigger('unresolved', 'order.created', {}),
  ]) {
    prefilter.set(t);
  }
  const subscribers = [
    url('orders'),
    'http://sink.ns.svc/',
    url('paid'),
    url('by-source'),
    url('orders', 'uid-old'),
    url('bad'),
    url('also-paid'),
    url('unresolved'),
    url('nobody'),
  ].map((uri) => ({ uri }));

  it.each([['order.created'], ['order.paid'], ['something.else']])(
    'selects exactly the subscribers the skipper keeps, in order, for an event of type %s',
    (type) => {
      for (const e of [event(type), event(type, null), event(type, 'many')]) {
        const skips = prefilter.skipper(e);
        const want = subscribers.filter((s) => !(skips?.(s.uri) ?? false));
        expect(prefilter.select(e, subscribers, (s) => s.uri)).toEqual(want);
      }
    },
  );

  it('does not run the filters of Triggers whose exact type the event does not have', () => {
    const p = new TriggerPrefilter(FILTER_HOST, compile);
    const many = Array.from({ length: 1000 }, (_, i) => trigger(`t${i}`, `type-${i}`));
    for (const t of many) p.set(t);
    const subs = many.map((t) => ({ uri: url(t.metadata.name ?? '') }));
    p.select(event('type-7'), subs, (s) => s.uri); // builds the plan
    calls.matches = 0;
    expect(p.select(event('type-7'), subs, (s) => s.uri)).toEqual([subs[7]]);
    expect(p.select(event('type-none'), subs, (s) => s.uri)).toEqual([]);
    // Only t7's filter ran (once, for type-7); the other 999 were never looked at.
    expect(calls.matches).toBe(1);
  });

  it('a Trigger change rebuilds the plan of a list already seen', () => {
    const p = new TriggerPrefilter(FILTER_HOST, compile);
    p.set(trigger('t', 'a'));
    const subs = [{ uri: url('t') }];
    expect(p.select(event('b'), subs, (s) => s.uri)).toEqual([]);
    p.set(trigger('t', 'b'));
    expect(p.select(event('b'), subs, (s) => s.uri)).toEqual(subs);
    p.delete(trigger('t', 'b'));
    expect(p.select(event('c'), subs, (s) => s.uri)).toEqual(subs);
  });
});
