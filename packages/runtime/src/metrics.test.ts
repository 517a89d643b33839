import { createMetricsRegistry } from './metrics.js';

describe('createMetricsRegistry', () => {
  it('collects default process metrics', async () => {
    const text = await createMetricsRegistry().metrics();
    expect(text).toContain('process_cpu_seconds_total');
  });

  it('gives each caller its own registry', () => {
    expect(createMetricsRegistry()).not.toBe(createMetricsRegistry());
  });
});
