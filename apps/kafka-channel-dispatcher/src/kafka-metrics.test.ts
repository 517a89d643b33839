import type { DeliveryOutcome } from '@knative-ts/delivery';
import { Registry } from 'prom-client';
import { KafkaChannelMetrics } from './kafka-metrics.js';

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
const channel = { namespace: 'ns1', name: 'orders' };

describe('KafkaChannelMetrics', () => {
  it.each<[string, Partial<DeliveryOutcome>[], Record<string, string>[]]>([
    [
      'a delivery counts once, at its final attempt',
      [
        { status: 503, willRetry: true, retryDelayMs: 10 },
        { status: 202, attempt: 2 },
      ],
      [{ response_code: '202', response_code_class: '2xx' }],
    ],
    [
      'replies and dead letters are legs of that delivery',
      [{ role: 'deadletter', status: 202 }],
      [],
    ],
    ['no response: only the class, 5xx', [{ status: undefined }], [{ response_code_class: '5xx' }]],
  ])('%s', async (_case, outcomes, want) => {
    const registry = new Registry();
    const metrics = new KafkaChannelMetrics({ registry });
    const observe = metrics.observer(channel, 'sub-a');
    for (const o of outcomes) observe(outcome(o));
    const counts = (await registry.getSingleMetric('event_count_1_total')?.get())?.values ?? [];
    expect(counts).toEqual(
      want.map((code) => ({
        value: 1,
        labels: {
          name: 'orders',
          namespace_name: 'ns1',
          consumer_name: 'sub-a',
          event_type: 'com.example.t',
          ...code,
        },
      })),
    );
  });

  it('exposes Knative Kafka names and SLO buckets on /metrics, refusals without a consumer', async () => {
    const registry = new Registry();
    const metrics = new KafkaChannelMetrics({ registry });
    metrics.observer(channel, 'sub-a')(outcome({ status: 200, durationMs: 70 }));
    metrics.rejected(channel, 400);
    const text = await registry.metrics();
    expect(text).toContain(
      'event_count_1_total{name="orders",namespace_name="ns1",event_type="com.example.t",response_code="200",response_code_class="2xx",consumer_name="sub-a"} 1',
    );
    expect(text).toContain(
      'event_count_1_total{name="orders",namespace_name="ns1",event_type="",response_code="400",response_code_class="4xx"} 1',
    );
    const buckets = [...text.matchAll(/^event_dispatch_latencies_ms_bucket\{le="([^"]+)"/gm)];
    expect(buckets.map((m) => m[1])).toEqual(['50', '100', '500', '1000', '5000', '10000', '+Inf']);
    expect(text).toMatch(/^event_dispatch_latencies_ms_count\{.*\} 1$/m);
  });
});
