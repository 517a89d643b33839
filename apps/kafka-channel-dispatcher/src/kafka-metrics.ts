/**
 * The metrics of Knative's Kafka data plane, under the names its Prometheus endpoint gives
 * them (eventing-kafka-broker `data-plane/core/.../metrics/Metrics.java`, Micrometer's
 * Prometheus naming appends the base unit): `event_count_1_total` and
 * `event_dispatch_latencies_ms` (milliseconds, Knative's SLO buckets 50…10000), labelled
 * name, namespace_name, consumer_name, event_type, response_code, response_code_class.
 * Those are what Knative's Kafka dashboard queries (`knative-eventing-kafka-general.json`:
 * `event_count_1_total{response_code_class="2xx"}`, `event_dispatch_latencies_ms_bucket`).
 * As in Knative's dispatcher, each subscriber delivery is recorded once, at its end (never
 * per retry); `name` is the KafkaChannel and `consumer_name` the Subscription. A request
 * refused at the ingress is counted without consumer_name, as Knative's receiver does.
 */
import type { DeliveryObserver } from '@knative-ts/delivery';
import { Counter, Histogram, type Registry } from 'prom-client';

/** eventing-kafka-broker `Metrics.LATENCY_SLOs`. */
export const KAFKA_LATENCY_BUCKETS_MS = [50, 100, 500, 1000, 5000, 10000];

const LABELS = [
  'name',
  'namespace_name',
  'consumer_name',
  'event_type',
  'response_code',
  'response_code_class',
] as const;
type Labels = Partial<Record<(typeof LABELS)[number], string>>;

/** The channel a metric is about. */
export interface ChannelRef {
  namespace: string;
  name: string;
}

export class KafkaChannelMetrics {
  private readonly count: Counter<(typeof LABELS)[number]>;
  private readonly latency: Histogram<(typeof LABELS)[number]>;

  constructor(options: { registry: Registry }) {
    this.count = new Counter({
      name: 'event_count_1_total',
      help: 'Number of events received',
      labelNames: LABELS,
      registers: [options.registry],
    });
    this.latency = new Histogram({
      name: 'event_dispatch_latencies_ms',
      help: 'The time spent dispatching an event',
      labelNames: LABELS,
      buckets: KAFKA_LATENCY_BUCKETS_MS,
      registers: [options.registry],
    });
  }

  /** An observer for the deliveries of one subscriber (`consumer`) of `channel`. */
  observer(channel: ChannelRef, consumer: string): DeliveryObserver {
    return (o) => {
      // Retries and replies/dead letters are legs of one subscriber delivery: count its end.
      if (o.role !== 'subscriber' || o.willRetry) return;
      const labels = { ...this.base(channel, o.eventType, o.status), consumer_name: consumer };
      this.count.inc(labels);
      this.latency.observe(labels, o.durationMs);
    };
  }

  /** A request the ingress refused (malformed 400/415, too large 413, Kafka unavailable 503). */
  rejected(channel: ChannelRef, status: number, eventType = ''): void {
    this.count.inc(this.base(channel, eventType, status));
  }

  private base(channel: ChannelRef, eventType: string, status: number | undefined): Labels {
    // Without a response Knative sets only the class, 5xx (RecordDispatcherImpl).
    const code =
      status === undefined
        ? { response_code_class: '5xx' }
        : { response_code: String(status), response_code_class: `${Math.floor(status / 100)}xx` };
    return {
      name: channel.name,
      namespace_name: channel.namespace,
      event_type: eventType,
      ...code,
    };
  }
}
