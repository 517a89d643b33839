import { Counter, Histogram, Registry } from 'prom-client';
import { LabelledCounter, LabelledHistogram } from './labelled-metrics.js';

type Op = { labels: Record<string, string | number>; value?: number };

const LABELS = ['namespace_name', 'response_code'] as const;
const BUCKETS = [1, 2, 5, 10, 100, 1000];

/** The same operations on prom-client's metric and on ours, each on its own registry. */
async function both(
  make: (registry: Registry, own: boolean) => { apply(op: Op): void },
  ops: Op[],
): Promise<{ theirs: Registry; ours: Registry }> {
  const theirs = new Registry();
  const ours = new Registry();
  const a = make(theirs, false);
  const b = make(ours, true);
  for (const op of ops) {
    a.apply(op);
    b.apply(op);
  }
  return { theirs, ours };
}

const ns = (namespace: string, code: string | number) => ({
  namespace_name: namespace,
  response_code: code,
});

const cases: Array<[string, Op[]]> = [
  ['no observation', []],
  ['one series', [{ labels: ns('a', '202'), value: 3 }]],
  [
    'values on and between the bounds, above the last, and zero',
    [0, 1, 1.5, 2, 10, 999, 1000, 1001, 50_000].map((value) => ({ labels: ns('a', 202), value })),
  ],
  [
    'several series, interleaved, labels given in another order',
    [
      { labels: ns('a', '202'), value: 4 },
      { labels: { response_code: '500', namespace_name: 'b' }, value: 7 },
      { labels: ns('a', '202'), value: 0.5 },
      { labels: ns('b', '500'), value: 2000 },
      { labels: { namespace_name: 'c' }, value: 1 },
    ],
  ],
];

/** Each of our metrics next to prom-client's, fed the same way. */
const kinds: Array<
  [string, string, (registry: Registry, own: boolean) => { apply(op: Op): void }]
> = [
  [
    'LabelledHistogram as a Histogram',
    'dispatch_latencies',
    (registry, own) => {
      const config = {
        name: 'dispatch_latencies',
        help: 'The time spent dispatching',
        labelNames: LABELS,
        buckets: BUCKETS,
        registers: [registry],
      };
      const metric = own ? new LabelledHistogram(config) : new Histogram(config);
      return { apply: (op) => metric.labels(op.labels).observe(op.value ?? 0) };
    },
  ],
  [
    'LabelledCounter as a Counter',
    'event_count',
    (registry, own) => {
      const config = {
        name: 'event_count',
        help: 'Events',
        labelNames: LABELS,
        registers: [registry],
      };
      const metric = own ? new LabelledCounter(config) : new Counter(config);
      return { apply: (op) => metric.labels(op.labels).inc(op.value) };
    },
  ],
];

describe.each(kinds)('%s is exposed as prom-client exposes it', (_kind, name, make) => {
  it.each(cases)('%s', async (_name, ops) => {
    const { theirs, ours } = await both(make, ops);
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.getSingleMetric(name)?.get()).toEqual(
      await theirs.getSingleMetric(name)?.get(),
    );
  });
});

describe('labelled metrics', () => {
  it('share one series between the children of one label set', async () => {
    const registry = new Registry();
    const count = new LabelledCounter({
      name: 'c',
      help: 'h',
      labelNames: LABELS,
      registers: [registry],
    });
    count.labels(ns('a', '202')).inc();
    count.labels(ns('a', '202')).inc(2);
    expect((await count.get()).values).toEqual([{ value: 3, labels: ns('a', '202') }]);
  });

  it('refuse an unknown label and a negative increment', () => {
    const registry = new Registry();
    const count = new LabelledCounter({
      name: 'c',
      help: 'h',
      labelNames: LABELS,
      registers: [registry],
    });
    expect(() => count.labels({ nope: 'x' } as never)).toThrow('metric c has no label nope');
    expect(() => count.labels(ns('a', '1')).inc(-1)).toThrow('counter c cannot go down by -1');
  });

  it('are cleared by the registry, and refuse a second metric of the same name', async () => {
    const registry = new Registry();
    const config = {
      name: 'h',
      help: 'h',
      labelNames: LABELS,
      buckets: [1],
      registers: [registry],
    };
    const latency = new LabelledHistogram(config);
    latency.labels(ns('a', '1')).observe(1);
    registry.resetMetrics();
    expect((await latency.get()).values).toEqual([]);
    expect(() => new LabelledHistogram(config)).toThrow('already been registered');
  });
});
