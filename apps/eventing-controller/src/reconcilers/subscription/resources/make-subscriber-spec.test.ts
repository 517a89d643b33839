import type { Subscription } from '@knative-ts/types';
import { makeSubscriberSpec, withoutSubscriber, withSubscriber } from './make-subscriber-spec.js';

const sub = (spec: Partial<Subscription['spec']>, physical: object): Subscription => ({
  apiVersion: 'messaging.knative.dev/v1',
  kind: 'Subscription',
  metadata: { namespace: 'demo', name: 's', uid: 'u1', generation: 2 },
  spec: {
    channel: { apiVersion: 'messaging.knative.dev/v1', kind: 'InMemoryChannel', name: 'c' },
    ...spec,
  },
  status: { physicalSubscription: physical },
});

describe('makeSubscriberSpec', () => {
  it.each([
    [
      'URIs only',
      sub({}, { subscriberUri: 'http://s', replyUri: 'http://r' }),
      {},
      {
        name: 's',
        uid: 'u1',
        generation: 2,
        subscriberUri: 'http://s',
        replyUri: 'http://r',
      },
    ],
    [
      'own delivery with the resolved dead-letter sink',
      sub(
        {
          delivery: {
            retry: 5,
            backoffPolicy: 'exponential',
            backoffDelay: 'PT0.2S',
            timeout: 'PT1S',
            deadLetterSink: { ref: { apiVersion: 'v1', kind: 'Service', name: 'd' } },
          },
        },
        { subscriberUri: 'http://s', deadLetterSinkUri: 'http://d.demo.svc.cluster.local' },
      ),
      {},
      {
        name: 's',
        uid: 'u1',
        generation: 2,
        subscriberUri: 'http://s',
        delivery: {
          deadLetterSink: { uri: 'http://d.demo.svc.cluster.local' },
          retry: 5,
          backoffPolicy: 'exponential',
          backoffDelay: 'PT0.2S',
          timeout: 'PT1S',
        },
      },
    ],
    [
      'the channel delivery when the Subscription has none',
      sub({}, { subscriberUri: 'http://s', deadLetterSinkUri: 'http://cd' }),
      { delivery: { retry: 1, deadLetterSink: { uri: 'http://cd' } } },
      {
        name: 's',
        uid: 'u1',
        generation: 2,
        subscriberUri: 'http://s',
        delivery: { deadLetterSink: { uri: 'http://cd' }, retry: 1 },
      },
    ],
  ])('%s', (_name, s, channelSpec, want) => {
    expect(makeSubscriberSpec(s, channelSpec)).toEqual(want);
  });
});

describe('withSubscriber / withoutSubscriber', () => {
  const a = { uid: 'a', generation: 1 };
  const b = { uid: 'b', generation: 1 };
  it('replaces by uid, appends otherwise, removes by uid', () => {
    expect(withSubscriber([a, b], { uid: 'a', generation: 2 })).toEqual([
      { uid: 'a', generation: 2 },
      b,
    ]);
    expect(withSubscriber([a], b)).toEqual([a, b]);
    expect(withoutSubscriber([a, b], 'a')).toEqual([b]);
  });
});
