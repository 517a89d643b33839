import type { KafkaChannel } from '@knative-ts/types';
import { compileChannel, keepTopicReady } from './channel-config.js';

const kc = (extra: Partial<KafkaChannel> = {}): KafkaChannel => ({
  apiVersion: 'messaging.knative.dev/v1beta1',
  kind: 'KafkaChannel',
  metadata: { namespace: 'ns', name: 'ch' },
  spec: {
    subscribers: [
      { uid: 'u1', generation: 1, subscriberUri: 'http://a/', replyUri: 'http://r/' },
      {
        uid: 'u2',
        subscriberUri: 'http://b/',
        delivery: { retry: 2, deadLetterSink: { uri: 'http://dls/' } },
      },
      { uid: 'u3' },
    ],
  },
  status: { conditions: [{ type: 'TopicReady', status: 'True' }] },
  ...extra,
});

describe('compileChannel', () => {
  it('names topic and groups, compiles subscribers, rejects one without a URI', () => {
    const c = compileChannel(kc(), 'cluster.local');
    expect(c).toMatchObject({
      host: 'ch-kn-channel.ns.svc.cluster.local',
      topic: 'knative-messaging-kafka.ns.ch',
      topicReady: true,
      order: 'ordered',
      rejected: [{ uid: 'u3', message: 'subscriber has no subscriberUri' }],
    });
    expect(
      c.subscribers.map((s) => [s.uid, s.group, s.reply, s.deadLetterSink, s.config.retry]),
    ).toEqual([
      ['u1', 'kafka.ns.ch.u1', 'http://r/', undefined, 0],
      ['u2', 'kafka.ns.ch.u2', undefined, 'http://dls/', 2],
    ]);
  });

  it.each([
    ['no TopicReady', { status: {} }, false],
    [
      'deleting',
      { metadata: { namespace: 'ns', name: 'ch', deletionTimestamp: '2025-01-01T00:00:00Z' } },
      false,
    ],
  ])('is not served when %s', (_what, extra, ready) => {
    expect(compileChannel(kc(extra as Partial<KafkaChannel>), 'cluster.local').topicReady).toBe(
      ready,
    );
  });

  it('reads the delivery order annotation', () => {
    const c = compileChannel(
      kc({
        metadata: {
          namespace: 'ns',
          name: 'ch',
          annotations: { 'kafka.eventing.knative.dev/delivery.order': 'unordered' },
        },
      }),
      'cluster.local',
    );
    expect(c.order).toBe('unordered');
  });
});

describe('keepTopicReady', () => {
  const ready = compileChannel(
    kc({ metadata: { namespace: 'ns', name: 'ch', uid: 'u' } }),
    'cluster.local',
  );
  const notReady = { ...ready, topicReady: false };
  it.each([
    ['stays served while Kafka is unreachable', ready, notReady, false, true],
    ['not before the topic was ever ready', undefined, notReady, false, false],
    ['not while deleting', ready, notReady, true, false],
    ['not for a new channel of the same name', { ...ready, uid: 'old' }, notReady, false, false],
  ])('%s', (_what, previous, next, deleting, want) => {
    expect(keepTopicReady(previous, next, deleting).topicReady).toBe(want);
  });
});
