import type { InMemoryChannel, SubscriberSpec } from '@knative-ts/types';
import { compileChannel, effectiveDelivery } from './channel-config.js';

function imc(
  extra: Partial<InMemoryChannel> = {},
  subscribers: SubscriberSpec[] = [],
): InMemoryChannel {
  return {
    apiVersion: 'messaging.knative.dev/v1',
    kind: 'InMemoryChannel',
    metadata: { namespace: 'ns', name: 'ch', ...extra.metadata },
    spec: { subscribers, ...extra.spec },
    ...(extra.status && { status: extra.status }),
  };
}

const channelDelivery = {
  retry: 5,
  backoffPolicy: 'linear' as const,
  backoffDelay: 'PT1S',
  deadLetterSink: { ref: { apiVersion: 'v1', kind: 'Service', name: 'dls' } },
};

describe('effectiveDelivery (data-plane-spec F.45)', () => {
  const channel = imc({
    spec: { delivery: channelDelivery },
    status: { deadLetterSinkUri: 'http://dls.ns.svc.cluster.local' },
  });

  it.each<[string, SubscriberSpec, ReturnType<typeof effectiveDelivery>]>([
    [
      'subscriber delivery replaces the channel one as a whole',
      { uid: 'u', delivery: { retry: 1 } },
      { delivery: { retry: 1 } },
    ],
    [
      'subscriber dead-letter sink uri is used',
      { uid: 'u', delivery: { deadLetterSink: { uri: 'http://sub-dls/' } } },
      {
        delivery: { deadLetterSink: { uri: 'http://sub-dls/' } },
        deadLetterSink: 'http://sub-dls/',
      },
    ],
    [
      'channel delivery with its resolved dead-letter sink when the subscriber has none',
      { uid: 'u' },
      { delivery: channelDelivery, deadLetterSink: 'http://dls.ns.svc.cluster.local' },
    ],
  ])('%s', (_case, sub, want) => {
    expect(effectiveDelivery(sub, channel)).toEqual(want);
  });

  it('is empty without any delivery', () => {
    expect(effectiveDelivery({ uid: 'u' }, imc())).toEqual({});
  });
});

describe('compileChannel', () => {
  it('compiles host, async flag and each subscriber once', () => {
    const config = compileChannel(
      imc({ metadata: { annotations: { 'messaging.knative.dev/async-handler': 'true' } } }, [
        {
          uid: 'a',
          generation: 2,
          subscriberUri: 'http://a/',
          replyUri: 'http://r/',
          delivery: {
            retry: 3,
            backoffPolicy: 'exponential',
            backoffDelay: 'PT0.2S',
            timeout: 'PT1S',
          },
        },
        { uid: 'b', subscriberUri: 'http://b/' },
      ]),
      'example.org',
    );
    expect(config).toMatchObject({
      namespace: 'ns',
      name: 'ch',
      host: 'ch-kn-channel.ns.svc.example.org',
      async: true,
      rejected: [],
    });
    expect(config.subscribers).toEqual([
      {
        uid: 'a',
        generation: 2,
        subscriber: 'http://a/',
        reply: 'http://r/',
        config: {
          retry: 3,
          backoffPolicy: 'exponential',
          backoffDelayMs: 200,
          timeoutMs: 1000,
          format: 'binary',
        },
      },
      { uid: 'b', subscriber: 'http://b/', config: { retry: 0, format: 'binary' } },
    ]);
  });

  it('is synchronous unless the annotation says "true"', () => {
    const off = imc({
      metadata: { annotations: { 'messaging.knative.dev/async-handler': 'false' } },
    });
    expect(compileChannel(off, 'cluster.local').async).toBe(false);
    expect(compileChannel(imc(), 'cluster.local').async).toBe(false);
  });

  it('rejects a subscriber without uri or with a bad delivery, keeping the others', () => {
    const config = compileChannel(
      imc({}, [
        { uid: 'no-uri', generation: 1 },
        {
          uid: 'bad',
          subscriberUri: 'http://b/',
          delivery: { backoffPolicy: 'linear', backoffDelay: 'soon' },
        },
        { uid: 'ok', subscriberUri: 'http://ok/' },
      ]),
      'cluster.local',
    );
    expect(config.subscribers.map((s) => s.uid)).toEqual(['ok']);
    expect(config.rejected).toEqual([
      { uid: 'no-uri', generation: 1, message: 'subscriber has no subscriberUri' },
      { uid: 'bad', message: expect.stringContaining('invalid delivery') },
    ]);
  });
});
