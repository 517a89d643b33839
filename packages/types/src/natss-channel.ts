import type { ChannelableSpec, ChannelableStatus } from './channelable.js';
import { livingConditionSet } from './condition-set.js';
import type { KnativeObject } from './duck.js';

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
  fetchMaxWait?: string;
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

/** NatssChannel conditions (eventing-natss NatsJetStreamChannel lifecycle). */
export const NatssChannelConditions = livingConditionSet([
  'DispatcherReady',
  'ServiceReady',
  'EndpointsReady',
  'Addressable',
  'ChannelServiceReady',
  'StreamReady',
]);
