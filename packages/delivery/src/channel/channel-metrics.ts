/**
 * Knative's channel metrics (eventing `pkg/channel/stats_reporter.go`): `event_count` and
 * `event_dispatch_latencies` (milliseconds, buckets 1-2-5 from 1 to 10000) with the labels
 * namespace_name, event_type, event_scheme, response_code, response_code_class,
 * unique_name, container_name. Recorded once per subscriber delivery (its final attempt),
 * and once per rejected request, never per retry.
 */
import { randomUUID } from 'node:crypto';
import type { DeliveryObserver } from '../sender/outcome.js';
import {
  labelKey,
  LabelledCounter,
  LabelledHistogram,
  MetricChildren,
  type CounterChild,
  type HistogramChild,
} from '@knative-ts/runtime';
import type { Registry } from 'prom-client';

/** knative.dev/pkg `metrics.Buckets125(1, 10000)`. */
export const DISPATCH_BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

const LABELS = [
  'namespace_name',
  'event_type',
  'event_scheme',
  'response_code',
  'response_code_class',
  'unique_name',
  'container_name',
] as const;

/** Knative reports a delivery without a response as 500. */
const NO_RESPONSE = 500;

export interface ChannelMetricsOptions {
  registry: Registry;
  podName: string;
  containerName: string;
  /** Injected for tests; Knative appends a UUID so replicas never collide. */
  uniqueName?: string;
  /**
   * Knative's Prometheus names put the component first (its OpenCensus exporter did:
   * `inmemorychannel_dispatcher_event_count`, what its dashboards query); default none.
   */
  metricPrefix?: string;
}

/** The two channel metrics, registered on the app's registry. */
export class ChannelMetrics {
  private readonly count: LabelledCounter<(typeof LABELS)[number]>;
  private readonly latency: LabelledHistogram<(typeof LABELS)[number]>;
  private readonly uniqueName: string;
  private readonly containerName: string;
  private readonly children: MetricChildren<{
    count: CounterChild;
    latency: HistogramChild;
  }>;

  constructor(options: ChannelMetricsOptions) {
    this.uniqueName = options.uniqueName ?? childName(options.podName, randomUUID());
    this.containerName = options.containerName;
    this.count = new LabelledCounter({
      name: `${options.metricPrefix ?? ''}event_count`,
      help: 'Number of events dispatched by the channel',
      labelNames: LABELS,
      registers: [options.registry],
    });
    this.latency = new LabelledHistogram({
      name: `${options.metricPrefix ?? ''}event_dispatch_latencies`,
      help: 'The time spent by the channel dispatching an event',
      labelNames: LABELS,
      buckets: DISPATCH_BUCKETS_MS,
      registers: [options.registry],
    });
    this.children = new MetricChildren((labels) => ({
      count: this.count.labels(labels),
      latency: this.latency.labels(labels),
    }));
  }

  /** An observer for the deliveries of one channel namespace. */
  observer(namespace: string): DeliveryObserver {
    return (o) => {
      // Retries and replies/dead letters are legs of one subscriber delivery: count its end.
      if (o.role !== 'subscriber' || o.willRetry) return;
      const child = this.child(namespace, o.eventType, schemeOf(o.destination), o.status);
      child.count.inc();
      child.latency.observe(o.durationMs);
    };
  }

  /** A request refused before fan-out (malformed event: 400/415, too large: 413). */
  rejected(namespace: string, status: number, eventType = ''): void {
    this.child(namespace, eventType, 'http', status).count.inc();
  }

  private child(namespace: string, eventType: string, scheme: string, status?: number) {
    return this.children.get(labelKey(namespace, eventType, scheme, status ?? ''), () =>
      this.labels(namespace, eventType, scheme, status),
    );
  }

  private labels(
    namespace: string,
    eventType: string,
    scheme: string,
    status: number | undefined,
  ): Record<(typeof LABELS)[number], string> {
    const code = status ?? NO_RESPONSE;
    return {
      namespace_name: namespace,
      event_type: eventType,
      event_scheme: scheme,
      response_code: String(code),
      response_code_class: `${Math.floor(code / 100)}xx`,
      unique_name: this.uniqueName,
      container_name: this.containerName,
    };
  }
}

function schemeOf(url: string): string {
  return url.startsWith('https:') ? 'https' : 'http';
}

/** knative.dev/pkg `kmeta.ChildName`: parent + suffix, cut to 63 characters. */
function childName(parent: string, suffix: string): string {
  const name = `${parent}-${suffix}`;
  return name.length <= 63 ? name : name.slice(0, 63).replace(/-+$/, '');
}
