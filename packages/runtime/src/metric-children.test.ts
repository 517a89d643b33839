import { Counter, Registry } from 'prom-client';
import { labelKey, MetricChildren } from './metric-children.js';

describe('MetricChildren', () => {
  const setup = (max?: number) => {
    const registry = new Registry();
    const counter = new Counter({
      name: 'c',
      help: 'h',
      labelNames: ['a', 'b'],
      registers: [registry],
    });
    let built = 0;
    const children = new MetricChildren((labels) => {
      built++;
      return counter.labels(labels);
    }, max);
    const inc = (a: string, b: string) => children.get(labelKey(a, b), () => ({ a, b })).inc();
    return { registry, inc, built: () => built };
  };

  it('counts into the label set it names, building each child once', async () => {
    const { registry, inc, built } = setup();
    inc('x', '1');
    inc('x', '1');
    inc('y', '2');
    expect(built()).toBe(2);
    const values = (await registry.getSingleMetric('c')?.get())?.values ?? [];
    expect(values.map((v) => [v.labels, v.value])).toEqual([
      [{ a: 'x', b: '1' }, 2],
      [{ a: 'y', b: '2' }, 1],
    ]);
  });

  it('stays bounded: when full it starts again, and counts still add up', async () => {
    const { registry, inc, built } = setup(2);
    for (const a of ['p', 'q', 'r', 'p']) inc(a, '0');
    expect(built()).toBe(4);
    const values = (await registry.getSingleMetric('c')?.get())?.values ?? [];
    expect(values.find((v) => v.labels['a'] === 'p')?.value).toBe(2);
  });
});
