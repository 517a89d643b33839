/**
 * A counter and a histogram for the data plane's per-event metrics, registered on a
 * prom-client Registry and exposed exactly as prom-client's own Counter and Histogram
 * are (same names, samples, label order and `get()` values), but resolved once per label
 * set: the series a child writes to is found when the child is made, so `inc` and
 * `observe` are a few additions. prom-client's children validate the labels, hash them
 * and look the series up again on every call, which together with the bucket search was
 * about a third of the synchronous cost of a Trigger delivery.
 *
 * Pair them with MetricChildren, which keeps the children by a cheap key.
 */
import type { Registry } from 'prom-client';

type Labels<L extends string> = Partial<Record<L, string | number>>;

interface LabelledMetricConfig<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  registers: Registry[];
}

/** A sample as prom-client's `get()` returns it. */
interface Sample {
  labels: Partial<Record<string, string | number>>;
  value: number;
  metricName?: string;
  exemplar?: null;
}

interface MetricSnapshot {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  values: Sample[];
  aggregator: 'sum';
}

/** The part of prom-client's metric contract a Registry uses. */
abstract class LabelledMetric<L extends string, S extends { labels: Labels<L> }> {
  readonly name: string;
  readonly help: string;
  readonly aggregator = 'sum';
  abstract readonly type: 'counter' | 'histogram';
  protected readonly series = new Map<string, S>();
  private readonly labelNames: ReadonlySet<string>;

  constructor(config: LabelledMetricConfig<L>) {
    this.name = config.name;
    this.help = config.help;
    this.labelNames = new Set(config.labelNames);
    for (const registry of config.registers) registry.registerMetric(this as never);
  }

  /** Drops every series (prom-client's `reset`, used by `Registry.resetMetrics`). */
  reset(): void {
    this.series.clear();
  }

  abstract get(): Promise<MetricSnapshot>;

  /** The series for `labels`, made on first use; unknown label names are refused. */
  protected seriesFor(labels: Labels<L>, make: (labels: Labels<L>) => S): S {
    for (const name of Object.keys(labels)) {
      if (!this.labelNames.has(name)) {
        throw new Error(`metric ${this.name} has no label ${name}`);
      }
    }
    const key = seriesKey(labels);
    let series = this.series.get(key);
    if (series === undefined) {
      series = make({ ...labels });
      this.series.set(key, series);
    }
    return series;
  }
}

/** What a counter's child does. */
export interface CounterChild {
  inc(value?: number): void;
}

/** What a histogram's child does. */
export interface HistogramChild {
  observe(value: number): void;
}

interface CounterSeries<L extends string> {
  labels: Labels<L>;
  value: number;
}

export class LabelledCounter<L extends string> extends LabelledMetric<L, CounterSeries<L>> {
  readonly type = 'counter';

  /** The child that counts into the series of `labels`. */
  labels(labels: Labels<L>): CounterChild {
    const series = this.seriesFor(labels, (l) => ({ labels: l, value: 0 }));
    return {
      inc: (value = 1) => {
        if (!(value >= 0)) throw new Error(`counter ${this.name} cannot go down by ${value}`);
        series.value += value;
      },
    };
  }

  async get(): Promise<MetricSnapshot> {
    const values = [...this.series.values()].map((s) => ({ value: s.value, labels: s.labels }));
    return { name: this.name, help: this.help, type: this.type, values, aggregator: 'sum' };
  }
}

interface HistogramSeries<L extends string> {
  labels: Labels<L>;
  /** Observations per bucket (not cumulative); the last slot is above every bound. */
  counts: Float64Array;
  sum: number;
  count: number;
}

export class LabelledHistogram<L extends string> extends LabelledMetric<L, HistogramSeries<L>> {
  readonly type = 'histogram';
  private readonly bounds: readonly number[];

  constructor(config: LabelledMetricConfig<L> & { buckets: readonly number[] }) {
    super(config);
    this.bounds = [...config.buckets].sort((a, b) => a - b);
  }

  /** The child that observes into the series of `labels`. */
  labels(labels: Labels<L>): HistogramChild {
    const size = this.bounds.length + 1;
    const series = this.seriesFor(labels, (l) => ({
      labels: l,
      counts: new Float64Array(size),
      sum: 0,
      count: 0,
    }));
    const bounds = this.bounds;
    return {
      observe: (value) => {
        let i = 0;
        while (i < bounds.length && value > (bounds[i] as number)) i++;
        series.counts[i] = (series.counts[i] ?? 0) + 1;
        series.sum += value;
        series.count += 1;
      },
    };
  }

  async get(): Promise<MetricSnapshot> {
    const values: Sample[] = [];
    const bucket = `${this.name}_bucket`;
    for (const s of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += s.counts[i] ?? 0;
        values.push({
          value: cumulative,
          metricName: bucket,
          exemplar: null,
          labels: { le, ...s.labels },
        });
      });
      values.push(
        { value: s.count, metricName: bucket, exemplar: null, labels: { le: '+Inf', ...s.labels } },
        { value: s.sum, metricName: `${this.name}_sum`, labels: { ...s.labels } },
        { value: s.count, metricName: `${this.name}_count`, labels: { ...s.labels } },
      );
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: 'sum' };
  }
}

/** One key per label set, whatever the order its names were given in. */
function seriesKey(labels: Record<string, unknown>): string {
  return Object.keys(labels)
    .sort()
    .map((name) => `${name}\u0000${String(labels[name])}`)
    .join('\u0001');
}
