/**
 * What every data-plane app (channel dispatchers, broker-ingress, broker-filter, adapters)
 * configures the same way: its event port and body limit, the cluster domain, local mode,
 * and Knative's metric labels; and the outgoing transport, which in local mode resolves
 * cluster addresses through the API server (DESIGN.md §3).
 */
import type { KubeClient } from '@knative-ts/kube';
import { bool, int, oneOf, port, str } from '@knative-ts/runtime';
import { LocalResolver } from './local-resolver.js';
import type { AdmissionLimits } from './receiver/admission.js';
import { DEFAULT_DELIVERY_LIMITS, type DeliveryLimits } from './sender/limits.js';
import type { DeliveryFeatures } from './sender/sender.js';
import { UndiciTransport } from './sender/transport.js';

const FLAG = ['enabled', 'disabled'] as const;

/** The variables every event receiver reads; `labels` are the app's metric-label defaults. */
export function receiverSchema(labels: { podName: string; containerName: string }) {
  return {
    /** Event ingress; 0 asks the OS for a free port (logged as `port`). */
    HTTP_PORT: port(8080),
    /** Largest accepted request body; larger requests are answered 413. */
    MAX_BODY_BYTES: int({ min: 1, default: 4 * 1024 * 1024 }),
    /** Backpressure: events in flight (count and body bytes) before 503 + Retry-After. */
    MAX_IN_FLIGHT_EVENTS: int({ min: 1, default: 2_000 }),
    MAX_IN_FLIGHT_BYTES: int({ min: 1, default: 64 * 1024 * 1024 }),
    OVERLOAD_RETRY_AFTER_SECONDS: int({ min: 0, default: 1 }),
    ...senderSchema(labels),
  };
}

/** The receiver's backpressure budget from its variables. */
export function admissionLimits(env: {
  MAX_IN_FLIGHT_EVENTS: number;
  MAX_IN_FLIGHT_BYTES: number;
  OVERLOAD_RETRY_AFTER_SECONDS: number;
}): AdmissionLimits {
  return {
    maxEvents: env.MAX_IN_FLIGHT_EVENTS,
    maxBytes: env.MAX_IN_FLIGHT_BYTES,
    retryAfterSeconds: env.OVERLOAD_RETRY_AFTER_SECONDS,
  };
}

/** The variables every event sender reads (adapters send without receiving). */
export function senderSchema(labels: { podName: string; containerName: string }) {
  return {
    /** Suffix of in-cluster hosts: `<name>.<ns>.svc.<domain>`. */
    CLUSTER_DOMAIN: str('cluster.local'),
    /** Resolve `*.svc.<domain>` destinations through the API server to local ports. */
    LOCAL_MODE: bool(false),
    /** Metric labels `unique_name` (pod name + random suffix) and `container_name`, as Knative. */
    POD_NAME: str(labels.podName),
    CONTAINER_NAME: str(labels.containerName),
    /** Bounds on every delivery (see sender/limits.ts). */
    DELIVERY_ATTEMPT_TIMEOUT_MS: int({
      min: 1,
      default: DEFAULT_DELIVERY_LIMITS.defaultAttemptTimeoutMs,
    }),
    DELIVERY_MAX_RETRY_DELAY_MS: int({ min: 0, default: DEFAULT_DELIVERY_LIMITS.maxRetryDelayMs }),
    DELIVERY_DEADLINE_MS: int({ min: 1, default: DEFAULT_DELIVERY_LIMITS.dispatchDeadlineMs }),
    /** `config-features` flags `delivery-timeout` and `delivery-retryafter` (chart: env from the ConfigMap). */
    FEATURE_DELIVERY_TIMEOUT: oneOf(FLAG, 'enabled'),
    FEATURE_DELIVERY_RETRYAFTER: oneOf(FLAG, 'disabled'),
  };
}

/** The sender's limits and feature flags from its variables. */
export function senderSettings(env: {
  DELIVERY_ATTEMPT_TIMEOUT_MS: number;
  DELIVERY_MAX_RETRY_DELAY_MS: number;
  DELIVERY_DEADLINE_MS: number;
  FEATURE_DELIVERY_TIMEOUT: (typeof FLAG)[number];
  FEATURE_DELIVERY_RETRYAFTER: (typeof FLAG)[number];
}): { limits: DeliveryLimits; features: () => DeliveryFeatures } {
  const features: DeliveryFeatures = {
    deliveryTimeout: env.FEATURE_DELIVERY_TIMEOUT === 'enabled',
    deliveryRetryAfter: env.FEATURE_DELIVERY_RETRYAFTER === 'enabled',
  };
  return {
    limits: {
      defaultAttemptTimeoutMs: env.DELIVERY_ATTEMPT_TIMEOUT_MS,
      maxRetryDelayMs: env.DELIVERY_MAX_RETRY_DELAY_MS,
      dispatchDeadlineMs: env.DELIVERY_DEADLINE_MS,
    },
    features: () => features,
  };
}

/** The keep-alive transport for outgoing events; in local mode it resolves through `kube`. */
export function createTransport(options: {
  localMode: boolean;
  clusterDomain: string;
  kube: KubeClient;
}): UndiciTransport {
  if (!options.localMode) return new UndiciTransport({});
  const resolver = new LocalResolver({ kube: options.kube, clusterDomain: options.clusterDomain });
  return new UndiciTransport({ resolve: resolver.resolve });
}
