/**
 * Knative's broker-ingress metrics (eventing `pkg/broker/ingress/stats_reporter.go`):
 * `event_count` and `event_dispatch_latencies` (milliseconds, buckets 1-2-5 from 1 to
 * 10000) with the labels namespace_name, broker_name, event_type, response_code,
 * response_code_class, unique_name, container_name. Counted once per request addressed to
 * a known broker; latency only when the trigger channel answered.
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
 * (`mt_broker_ingress_event_count`), and that is what Knative's dashboards query.
 */
export const METRIC_PREFIX = 'mt_broker_ingress_';

/** knative.dev/pkg `metrics.Buckets125(1, 10000)`. */
export const DISPATCH_BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

export const INGRESS_LABELS = [
  'namespace_name',
  'broker_name',
  'event_type',
  'response_code',
  'response_code_class',
  'unique_name',
  'container_name',
] as const;

type Label = (typeof INGRESS_LABELS)[number];

/** Which broker and event a measurement is about. */
export interface IngressReport {
  namespace: string;
  broker: string;
  eventType: string;
  status: number;
}

export interface IngressMetricsOptions {
  registry: Registry;
  podName: string;
  containerName: string;
  /** Injected for tests; Knative appends a UUID so replicas never collide. */
  uniqueName?: string;
}

/** The two ingress metrics, registered on the app's registry. */
export class IngressMetrics {
  private readonly count: LabelledCounter<Label>;
  private readonly latency: LabelledHistogram<Label>;
  private readonly uniqueName: string;
  private readonly containerName: string;
  private readonly counts: MetricChildren<CounterChild>;
  private readonly latencies: MetricChildren<HistogramChild>;

  constructor(options: IngressMetricsOptions) {
    this.uniqueName = options.uniqueName ?? childName(`${options.podName}-`, randomUUID());
    this.containerName = options.containerName;
    this.count = new LabelledCounter({
      name: `${METRIC_PREFIX}event_count`,
      help: 'Number of events received by a Broker',
      labelNames: INGRESS_LABELS,
      registers: [options.registry],
    });
    this.latency = new LabelledHistogram({
      name: `${METRIC_PREFIX}event_dispatch_latencies`,
      help: 'The time spent dispatching an event to a Channel',
      labelNames: INGRESS_LABELS,
      buckets: DISPATCH_BUCKETS_MS,
      registers: [options.registry],
    });
    this.counts = new MetricChildren((labels) => this.count.labels(labels));
    this.latencies = new MetricChildren((labels) => this.latency.labels(labels));
  }

  /** One request answered with `report.status`. */
  counted(report: IngressReport): void {
    this.counts.get(keyOf(report), () => this.labels(report)).inc();
  }

  /** The trigger channel answered `report.status` after `ms`. */
  dispatched(report: IngressReport, ms: number): void {
    this.latencies.get(keyOf(report), () => this.labels(report)).observe(ms);
  }

  private labels(r: IngressReport): Record<Label, string> {
    return {
      namespace_name: r.namespace,
      broker_name: r.broker,
      event_type: r.eventType,
      response_code: String(r.status),
      response_code_class: `${Math.floor(r.status / 100)}xx`,
      unique_name: this.uniqueName,
      container_name: this.containerName,
    };
  }
}

function keyOf(r: IngressReport): string {
  return labelKey(r.namespace, r.broker, r.eventType, r.status);
}
