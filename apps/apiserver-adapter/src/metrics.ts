/**
 * Knative's source metrics (eventing `pkg/adapter/v2/metrics` stats reporter):
 * `event_count` (one per event, at its final attempt) and `retry_event_count` (one per
 * retry), with the labels event_source, event_type, name, namespace_name, resource_group,
 * response_code, response_code_class, response_error, response_timeout.
 */
import { DeliveryErrorCode, type DeliveryObserver } from '@knative-ts/delivery';
import { Counter, type Registry } from 'prom-client';

const LABELS = [
  'event_source',
  'event_type',
  'name',
  'namespace_name',
  'resource_group',
  'response_code',
  'response_code_class',
  'response_error',
  'response_timeout',
] as const;

export interface SourceMetricsOptions {
  registry: Registry;
  /** The source's name and namespace. */
  name: string;
  namespace: string;
  /** e.g. `apiserversources.sources.knative.dev`. */
  resourceGroup: string;
}

/** The two source counters, fed from the delivery engine's one observer. */
export class SourceMetrics {
  readonly count: Counter<(typeof LABELS)[number]>;
  readonly retries: Counter<(typeof LABELS)[number]>;

  constructor(private readonly options: SourceMetricsOptions) {
    this.count = new Counter({
      name: 'event_count',
      help: 'Number of events sent',
      labelNames: LABELS,
      registers: [options.registry],
    });
    this.retries = new Counter({
      name: 'retry_event_count',
      help: 'Number of events sent with retries',
      labelNames: LABELS,
      registers: [options.registry],
    });
  }

  /** The observer to give the Sender. */
  observer(): DeliveryObserver {
    return (o) => {
      const code = o.status;
      const labels = {
        event_source: o.eventSource,
        event_type: o.eventType,
        name: this.options.name,
        namespace_name: this.options.namespace,
        resource_group: this.options.resourceGroup,
        response_code: code === undefined ? '' : String(code),
        response_code_class: code === undefined ? '' : `${Math.floor(code / 100)}xx`,
        response_error: o.error?.message ?? '',
        response_timeout: o.error?.code === DeliveryErrorCode.Timeout ? 'true' : '',
      };
      if (o.attempt > 1) this.retries.inc(labels);
      if (!o.willRetry) this.count.inc(labels);
    };
  }
}
