import type { NatssChannel } from '@knative-ts/types';
import { compileChannel } from './channel-config.js';

const channel = (over: Partial<NatssChannel> = {}): NatssChannel => ({
  apiVersion: 'messaging.knative.dev/v1alpha1',
  kind: 'NatsJetStreamChannel',
  metadata: { namespace: 'ns', name: 'orders' },
  spec: {
    delivery: {
      retry: 2,
      timeout: 'PT3S',
      deadLetterSink: { uri: 'http://dls.ns.svc.cluster.local' },
    },
    subscribers: [
      { uid: 'aaaa-1', generation: 2, subscriberUri: 'http://a/', replyUri: 'http://r/' },
      { uid: 'bbbb-2', subscriberUri: 'http://b/', delivery: { retry: 0 } },
      { uid: 'cccc-3' },
    ],
  },
  status: { deadLetterSinkUri: 'http://dls.ns.svc.cluster.local/' },
  ...over,
});

describe('compileChannel', () => {
  it('compiles routing, the stream and each subscriber with its consumer', () => {
    const got = compileChannel(channel(), 'cluster.local');
    expect(got).toMatchObject({
      namespace: 'ns',
      name: 'orders',
      host: 'orders-kn-channel.ns.svc.cluster.local',
      stream: 'KN_NS__ORDERS',
      subject: 'ns.orders._knative',
      ordered: false,
    });
    expect(
      got.subscribers.map((s) => [
        s.uid,
        s.subscriber,
        s.reply,
        s.deadLetterSink,
        s.consumer.config.durable_name,
        s.consumer.ackWaitMs,
      ]),
    ).toEqual([
      [
        'aaaa-1',
        'http://a/',
        'http://r/',
        'http://dls.ns.svc.cluster.local/',
        'KN_SUB_AAAA1',
        3500,
      ],
      ['bbbb-2', 'http://b/', undefined, undefined, 'KN_SUB_BBBB2', 30_000],
    ]);
    expect(got.rejected).toEqual([{ uid: 'cccc-3', message: 'subscriber has no subscriberUri' }]);
  });

  it('orders delivery on the channel annotation, with an override stream name', () => {
    const got = compileChannel(
      channel({
        metadata: {
          namespace: 'ns',
          name: 'orders',
          annotations: { 'nats.eventing.knative.dev/delivery.order': 'ordered' },
        },
        spec: {
          stream: { overrideName: 'ORDERS' },
          subscribers: [{ uid: 'u', subscriberUri: 'http://a/' }],
        },
      }),
      'cluster.local',
    );
    expect(got.ordered).toBe(true);
    expect(got.stream).toBe('ORDERS');
    expect(got.subscribers[0]?.consumer.config.max_ack_pending).toBe(1);
  });
});
