import { Registry } from '@knative-ts/runtime';
import { FilterMetrics, LATENCY_BUCKETS_MS } from './filter-metrics.js';

describe('FilterMetrics', () => {
  const report = { namespace: 'ns', trigger: 'tr', broker: 'default', filterType: 'any' };
  const base = {
    namespace_name: 'ns',
    trigger_name: 'tr',
    broker_name: 'default',
    filter_type: 'any',
    unique_name: 'pod-1',
    container_name: 'filter',
  };
  const newMetrics = () => {
    const registry = new Registry();
    const metrics = new FilterMetrics({
      registry,
      podName: 'pod',
      containerName: 'filter',
      uniqueName: 'pod-1',
    });
    return { registry, metrics };
  };

  it("uses Knative's names, labels and buckets", async () => {
    const { registry, metrics } = newMetrics();
    metrics.counted(report, 503);
    metrics.dispatched(report, 503, 12);
    metrics.processed(report, 4);
    const withStatus = { ...base, response_code: '503', response_code_class: '5xx' };
    expect((await registry.getSingleMetric('mt_broker_filter_event_count')?.get())?.values).toEqual(
      [{ value: 1, labels: withStatus }],
    );
    const dispatch = await registry
      .getSingleMetric('mt_broker_filter_event_dispatch_latencies')
      ?.get();
    expect(dispatch?.values.find((v) => v.labels['le'] === 20)).toMatchObject({
      value: 1,
      labels: withStatus,
    });
    const processing = await registry
      .getSingleMetric('mt_broker_filter_event_processing_latencies')
      ?.get();
    const buckets = processing?.values.filter((v) => 'le' in v.labels);
    expect(buckets?.map((b) => b.labels['le'])).toEqual([...LATENCY_BUCKETS_MS, '+Inf']);
    expect(buckets?.find((b) => b.labels['le'] === 5)).toMatchObject({ value: 1, labels: base });
  });

  it('counts each status of a report in its own series, and equal reports in the same', async () => {
    const { registry, metrics } = newMetrics();
    metrics.counted(report, 202);
    metrics.counted(report, 202);
    metrics.counted(report, 500);
    // A Trigger changed and back is a new report object with the same labels.
    metrics.counted({ ...report }, 202);
    metrics.counted({ ...report, trigger: 'other' }, 202);
    const values = (await registry.getSingleMetric('mt_broker_filter_event_count')?.get())?.values;
    const count = (trigger: string, code: string) =>
      values?.find(
        (v) => v.labels['trigger_name'] === trigger && v.labels['response_code'] === code,
      )?.value;
    expect(count('tr', '202')).toBe(3);
    expect(count('tr', '500')).toBe(1);
    expect(count('other', '202')).toBe(1);
    expect(values).toHaveLength(3);
  });
});
