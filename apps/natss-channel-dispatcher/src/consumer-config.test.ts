import { consumerDrift, makeConsumerConfig, type ConsumerConfigArgs } from './consumer-config.js';

describe('makeConsumerConfig', () => {
  it.each<[string, ConsumerConfigArgs, object, number]>([
    [
      "no template: JetStream's defaults, explicit ack, redelivery never capped",
      { name: 'KN_SUB_1', ordered: false },
      {
        durable_name: 'KN_SUB_1',
        ack_policy: 'explicit',
        ack_wait: 30_000_000_000,
        max_deliver: -1,
        deliver_policy: 'all',
        replay_policy: 'instant',
        max_ack_pending: 1000,
      },
      30_000,
    ],
    [
      'AckWait from the delivery timeout + 500 ms, over the template (as eventing-natss)',
      { name: 'KN_SUB_1', ordered: false, timeoutMs: 2000, template: { ackWait: '1m' } },
      { ack_wait: 2_500_000_000 },
      2500,
    ],
    [
      'every template field',
      {
        name: 'KN_SUB_1',
        ordered: false,
        template: {
          deliverPolicy: 'ByStartSequence',
          optStartSeq: 7,
          ackWait: '10s',
          maxDeliver: 5,
          filterSubject: 'a.b',
          replayPolicy: 'Original',
          rateLimitBPS: 8000,
          sampleFrequency: '30%',
          maxAckPending: 50,
        },
      },
      {
        deliver_policy: 'by_start_sequence',
        opt_start_seq: 7,
        ack_wait: 10_000_000_000,
        max_deliver: 5,
        filter_subject: 'a.b',
        replay_policy: 'original',
        rate_limit_bps: 8000,
        sample_freq: '30%',
        max_ack_pending: 50,
      },
      10_000,
    ],
    [
      'ordered: one unacknowledged event at a time, across replicas',
      { name: 'KN_SUB_1', ordered: true, template: { maxAckPending: 50 } },
      { max_ack_pending: 1 },
      30_000,
    ],
  ])('%s', (_case, args, want, ackWaitMs) => {
    const got = makeConsumerConfig(args);
    expect(got.config).toMatchObject(want);
    expect(got.ackWaitMs).toBe(ackWaitMs);
  });

  it.each<[string, ConsumerConfigArgs['template'], object]>([
    ['no fetch settings: the dispatcher’s own', undefined, {}],
    [
      'fetchBatchSize and fetchMaxWait as a Go duration',
      { fetchBatchSize: 20, fetchMaxWait: '5s' },
      { batch: 20, expiresMs: 5000 },
    ],
    [
      'fetchMaxWait in nanoseconds, as Knative’s CRD declares it',
      { fetchMaxWait: 2_000_000_000 },
      { expiresMs: 2000 },
    ],
    [
      'a wait below what nats.js accepts is raised to 1 s',
      { fetchMaxWait: '200ms' },
      { expiresMs: 1000 },
    ],
    ['zero values are unset', { fetchBatchSize: 0, fetchMaxWait: 0 }, {}],
  ])('pull requests: %s', (_case, template, want) => {
    const args: ConsumerConfigArgs = { name: 'KN_SUB_1', ordered: false };
    if (template) args.template = template;
    expect(makeConsumerConfig(args).pull).toEqual(want);
  });

  it('refuses an ackWait that is not a Go duration', () => {
    expect(() =>
      makeConsumerConfig({ name: 'x', ordered: false, template: { ackWait: 'PT1S' } }),
    ).toThrow(/not a Go duration/);
  });

  it('names the fields the server differs in', () => {
    expect(consumerDrift({ a: 1, b: 'x' }, { a: 1, b: 'y', c: true })).toEqual(['b']);
  });
});
