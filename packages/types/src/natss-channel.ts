import type { ChannelableSpec, ChannelableStatus } from './channelable.js';
import { livingConditionSet } from './condition-set.js';
import type { KnativeObject } from './duck.js';
import { jetStreamStreamName } from './names.js';

/** Where a JetStream stream copies messages from (mirror or source). */
export interface StreamSource {
  name: string;
  optStartSeq?: number;
  /** RFC 3339 start time. */
  optStartTime?: string;
  filterSubject?: string;
}

/** JetStream stream settings (eventing-natss StreamConfig); durations are Go/ISO strings. */
export interface StreamConfig {
  additionalSubjects?: string[];
  retention?: string;
  maxConsumers?: number;
  maxMsgs?: number;
  maxBytes?: number;
  discard?: string;
  maxAge?: string;
  maxMsgSize?: number;
  storage?: string;
  replicas?: number;
  noAck?: boolean;
  duplicateWindow?: string;
  placement?: { cluster?: string; tags?: string[] };
  mirror?: StreamSource;
  sources?: StreamSource[];
}

/** The stream backing one channel: its name override and settings. */
export interface Stream {
  /** Stream name instead of `KN_<NS>__<NAME>`. */
  overrideName?: string;
  config?: StreamConfig;
}

/** Template for the durable consumer created per subscription. */
export interface ConsumerConfigTemplate {
  deliverPolicy?: string;
  optStartSeq?: number;
  optStartTime?: string;
  ackWait?: string;
  maxDeliver?: number;
  filterSubject?: string;
  replayPolicy?: string;
  rateLimitBPS?: number;
  sampleFrequency?: string;
  maxAckPending?: number;
  /** `push` or `pull`. */
  consumerType?: string;
  /** Go duration, or nanoseconds (Knative's CRD declares an integer). */
  fetchMaxWait?: string | number;
  fetchBatchSize?: number;
}

/** NatssChannel spec, after eventing-natss NatsJetStreamChannelSpec. */
export interface NatssChannelSpec extends ChannelableSpec {
  stream?: Stream;
  consumerConfigTemplate?: ConsumerConfigTemplate;
  /** Dispatcher deployment overrides, kept opaque. */
  deploymentSpecTemplate?: Record<string, unknown>;
}

/** messaging.knative.dev/v1alpha1 NatssChannel, backed by NATS JetStream. */
export type NatssChannel = KnativeObject<NatssChannelSpec, ChannelableStatus>;

/** eventing-natss's messaging.knative.dev/v1alpha1 NatsJetStreamChannel: the same spec and status. */
export type NatsJetStreamChannel = NatssChannel;

/** The JetStream channel kinds one reconciler and one dispatcher serve. */
export const JetStreamChannelKinds = ['NatssChannel', 'NatsJetStreamChannel'] as const;
export type JetStreamChannelKind = (typeof JetStreamChannelKinds)[number];

/**
 * Per-channel delivery order of its subscriptions: `ordered` (one event at a time per
 * subscription, in stream order, across all dispatcher replicas) or `unordered` (default:
 * eventing-natss gives no ordering either). Same values as Kafka's
 * `kafka.eventing.knative.dev/delivery.order`.
 */
export const JetStreamDeliveryOrderAnnotation = 'nats.eventing.knative.dev/delivery.order';

/** The stream behind `channel`: `stream.overrideName`, else `KN_<NS>__<NAME>`. */
export function natssStreamName(channel: NatssChannel): string {
  const override = channel.spec?.stream?.overrideName;
  if (override) return override;
  return jetStreamStreamName(channel.metadata.namespace ?? '', channel.metadata.name ?? '');
}

/** NatssChannel conditions (eventing-natss NatsJetStreamChannel lifecycle). */
export const NatssChannelConditions = livingConditionSet([
  'DispatcherReady',
  'ServiceReady',
  'EndpointsReady',
  'Addressable',
  'ChannelServiceReady',
  'StreamReady',
  // Not in eventing-natss: a channel's dead-letter sink must resolve before it is Ready (spec F.42).
  'DeadLetterSinkResolved',
]);
