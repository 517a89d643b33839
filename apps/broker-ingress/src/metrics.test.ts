import { Registry } from '@knative-ts/runtime';
import { DISPATCH_BUCKETS_MS, IngressMetrics } from './metrics.js';

describe('IngressMetrics', () => {
  it("uses Knative's names, labels and buckets", async () => {
    const registry = new Registry();
    const metrics = new IngressMetrics({
      registry,
      podName: 'mt-broker-ingress-abc',
      containerName: 'ingress',
      uniqueName: 'mt-broker-ingress-abc-1',
    });
    const report = { namespace: 'ns', broker: 'default', eventType: 't', status: 202 };
    metrics.counted(report);
    metrics.dispatched(report, 3);
    const labels = {
      namespace_name: 'ns',
      broker_name: 'default',
      event_type: 't',
      response_code: '202',
      response_code_class: '2xx',
      unique_name: 'mt-broker-ingress-abc-1',
      container_name: 'ingress',
    };
    const count = await registry.getSingleMetric('mt_broker_ingress_event_count')?.get();
    expect(count?.values).toEqual([{ value: 1, labels }]);
    const latency = await registry
      .getSingleMetric('mt_broker_ingress_event_dispatch_latencies')
      ?.get();
    const buckets = latency?.values.filter((v) => 'le' in v.labels);
    expect(buckets?.map((b) => b.labels['le'])).toEqual([...DISPATCH_BUCKETS_MS, '+Inf']);
    expect(buckets?.find((b) => b.labels['le'] === 5)).toMatchObject({ value: 1, labels });
  });

  it('derives a unique name from the pod name', async () => {
    const registry = new Registry();
    const metrics = new IngressMetrics({ registry, podName: 'pod', containerName: 'c' });
    metrics.counted({ namespace: 'n', broker: 'b', eventType: '', status: 500 });
    const count = await registry.getSingleMetric('mt_broker_ingress_event_count')?.get();
    expect(count?.values[0]?.labels['unique_name']).toMatch(/^pod-[0-9a-f-]{36}$/);
    expect(count?.values[0]?.labels['response_code_class']).toBe('5xx');
  });
});
