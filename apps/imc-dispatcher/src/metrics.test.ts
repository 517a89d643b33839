import { Registry } from 'prom-client';
import type { DeliveryOutcome } from '@knative-ts/delivery';
import { ChannelMetrics, DISPATCH_BUCKETS_MS } from '@knative-ts/delivery';

const outcome = (extra: Partial<DeliveryOutcome>): DeliveryOutcome => ({
  eventId: '1',
  eventSource: '/s',
  eventType: 'com.example.t',
  role: 'subscriber',
  destination: 'http://sub.ns.svc.cluster.local/',
  attempt: 1,
  maxAttempts: 1,
  durationMs: 12,
  willRetry: false,
  ...extra,
});

describe('ChannelMetrics', () => {
  const setup = () => {
    const registry = new Registry();
    const metrics = new ChannelMetrics({
      registry,
      podName: 'imc-dispatcher-abc',
      containerName: 'dispatcher',
      uniqueName: 'imc-dispatcher-abc-u1',
      metricPrefix: 'inmemorychannel_dispatcher_',
    });
    return { registry, metrics };
  };
  const values = async (registry: Registry, name: string) =>
    (await registry.getSingleMetric(name)?.get())?.values ?? [];

  it('counts the final attempt of each subscriber delivery with Knative labels', async () => {
    const { registry, metrics } = setup();
    const observe = metrics.observer('ns1');
    observe(outcome({ status: 503, willRetry: true, retryDelayMs: 10 }));
    observe(outcome({ status: 202, attempt: 2 }));
    observe(outcome({ role: 'deadletter', status: 202 }));
    observe(outcome({ destination: 'https://x/', status: undefined, eventType: 'other' }));
    const counts = await values(registry, 'inmemorychannel_dispatcher_event_count');
    expect(counts).toEqual([
      {
        value: 1,
        labels: {
          namespace_name: 'ns1',
          event_type: 'com.example.t',
          event_scheme: 'http',
          response_code: '202',
          response_code_class: '2xx',
          unique_name: 'imc-dispatcher-abc-u1',
          container_name: 'dispatcher',
        },
      },
      {
        value: 1,
        labels: expect.objectContaining({
          event_type: 'other',
          event_scheme: 'https',
          response_code: '500',
          response_code_class: '5xx',
        }),
      },
    ]);
  });

  it('records dispatch latencies in milliseconds with Knative buckets', async () => {
    const { registry, metrics } = setup();
    metrics.observer('ns1')(outcome({ status: 202, durationMs: 7 }));
    const buckets = (
      await values(registry, 'inmemorychannel_dispatcher_event_dispatch_latencies')
    ).filter((v) => String((v as { metricName?: string }).metricName).endsWith('_bucket'));
    expect(buckets.map((b) => b.labels['le'])).toEqual([...DISPATCH_BUCKETS_MS, '+Inf']);
    expect(buckets.find((b) => b.labels['le'] === 5)?.value).toBe(0);
    expect(buckets.find((b) => b.labels['le'] === 10)?.value).toBe(1);
  });

  it('counts rejected requests with their status', async () => {
    const { registry, metrics } = setup();
    metrics.rejected('ns2', 400);
    const [count] = await values(registry, 'inmemorychannel_dispatcher_event_count');
    expect(count?.labels).toMatchObject({
      namespace_name: 'ns2',
      response_code: '400',
      response_code_class: '4xx',
      event_type: '',
    });
  });
});
