/**
 * Knative's broker-filter metrics (eventing `pkg/broker/filter/stats_reporter.go`):
 * `event_count` and `event_dispatch_latencies` with the labels namespace_name,
 * trigger_name, broker_name, filter_type, response_code, response_code_class,
 * unique_name, container_name; `event_processing_latencies` (arrival at the broker to
 * dispatch) without the response labels. Milliseconds, buckets 1-2-5 from 1 to 10000.
 * Filter misses are not counted (ingress counted the event), as in Knative.
 */
import { randomUUID } from 'node:crypto';
import { childName } from '@knative-ts/types';
import {
  labelKey,
  LabelledCounter,
  LabelledHistogram,
  MetricChildren,
  type CounterChild,
  type HistogramChild,
} from '@knative-ts/runtime';
import type { Registry } from 'prom-client';

/**
 * Knative's Prometheus names: its OpenCensus exporter put the component before each view
 * (`mt_broker_filter_event_count`), and that is what Knative's dashboards query.
 */
export const METRIC_PREFIX = 'mt_broker_filter_';

/** knative.dev/pkg `metrics.Buckets125(1, 10000)`. */
export const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

const TRIGGER_LABELS = [
  'namespace_name',
  'trigger_name',
  'broker_name',
  'filter_type',
  'unique_name',
  'container_name',
] as const;
export const FILTER_LABELS = [...TRIGGER_LABELS, 'response_code', 'response_code_class'] as const;

type TriggerLabel = (typeof TRIGGER_LABELS)[number];
type Label = (typeof FILTER_LABELS)[number];

/** Which trigger a measurement is about. */
export interface TriggerReport {
  namespace: string;
  trigger: string;
  broker: string;
  filterType: string;
}

export interface FilterMetricsOptions {
  registry: Registry;
  podName: string;
  containerName: string;
  /** Injected for tests; Knative appends a UUID so replicas never collide. */
  uniqueName?: string;
}

/** The three broker-filter metrics, registered on the app's registry. */
export class FilterMetrics {
  private readonly count: LabelledCounter<Label>;
  private readonly dispatch: LabelledHistogram<Label>;
  private readonly processing: LabelledHistogram<TriggerLabel>;
  private readonly uniqueName: string;
  private readonly containerName: string;
  private readonly counts: MetricChildren<CounterChild>;
  private readonly dispatches: MetricChildren<HistogramChild>;
  private readonly processings: MetricChildren<HistogramChild>;
  private readonly byReport = new WeakMap<TriggerReport, ReportChildren>();

  constructor(options: FilterMetricsOptions) {
    this.uniqueName = options.uniqueName ?? childName(`${options.podName}-`, randomUUID());
    this.containerName = options.containerName;
    const registers = [options.registry];
    this.count = new LabelledCounter({
      name: `${METRIC_PREFIX}event_count`,
      help: 'Number of events received by a Trigger',
      labelNames: FILTER_LABELS,
      registers,
    });
    this.dispatch = new LabelledHistogram({
      name: `${METRIC_PREFIX}event_dispatch_latencies`,
      help: 'The time spent dispatching an event to a Trigger subscriber',
      labelNames: FILTER_LABELS,
      buckets: LATENCY_BUCKETS_MS,
      registers,
    });
    this.processing = new LabelledHistogram({
      name: `${METRIC_PREFIX}event_processing_latencies`,
      help: 'The time spent processing an event before it is dispatched to a Trigger subscriber',
      labelNames: TRIGGER_LABELS,
      buckets: LATENCY_BUCKETS_MS,
      registers,
    });
    this.counts = new MetricChildren((labels) => this.count.labels(labels));
    this.dispatches = new MetricChildren((labels) => this.dispatch.labels(labels));
    this.processings = new MetricChildren((labels) => this.processing.labels(labels));
  }

  /** One request for `r` answered with `status`. */
  counted(r: TriggerReport, status: number): void {
    this.childrenOf(r, status).count.inc();
  }

  /** The subscriber answered `status` after `ms`. */
  dispatched(r: TriggerReport, status: number, ms: number): void {
    this.childrenOf(r, status).dispatch.observe(ms);
  }

  /** `ms` between the broker's arrival stamp and the dispatch. */
  processed(r: TriggerReport, ms: number): void {
    const known = this.reportChildren(r);
    known.processing ??= this.processings.get(keyOf(r), () => this.labels(r));
    known.processing.observe(Math.max(0, ms));
  }

  /**
   * The children for `r` and `status`, kept with the report: a Trigger's report object
   * lives as long as the Trigger does, and three measurements per delivery would otherwise
   * build three label keys and three closures.
   */
  private childrenOf(r: TriggerReport, status: number): StatusChildren {
    const known = this.reportChildren(r);
    let children = known.byStatus.get(status);
    if (children === undefined) {
      const key = keyOf(r, status);
      const labels = () => this.withStatus(r, status);
      children = {
        count: this.counts.get(key, labels),
        dispatch: this.dispatches.get(key, labels),
      };
      known.byStatus.set(status, children);
    }
    return children;
  }

  private reportChildren(r: TriggerReport): ReportChildren {
    let known = this.byReport.get(r);
    if (known === undefined) {
      known = { byStatus: new Map() };
      this.byReport.set(r, known);
    }
    return known;
  }

  private labels(r: TriggerReport): Record<TriggerLabel, string> {
    return {
      namespace_name: r.namespace,
      trigger_name: r.trigger,
      broker_name: r.broker,
      filter_type: r.filterType,
      unique_name: this.uniqueName,
      container_name: this.containerName,
    };
  }

  private withStatus(r: TriggerReport, status: number): Record<Label, string> {
    return {
      ...this.labels(r),
      response_code: String(status),
      response_code_class: `${Math.floor(status / 100)}xx`,
    };
  }
}

interface StatusChildren {
  count: CounterChild;
  dispatch: HistogramChild;
}

interface ReportChildren {
  processing?: HistogramChild;
  byStatus: Map<number, StatusChildren>;
}

function keyOf(r: TriggerReport, status?: number): string {
  return labelKey(r.namespace, r.trigger, r.broker, r.filterType, status ?? '');
}
