import type { ChannelTemplateSpec } from './channelable.js';
import { livingConditionSet } from './condition-set.js';
import type { DeliverySpec } from './delivery.js';
import type {
  AddressStatus,
  AppliedEventPoliciesStatus,
  AuthStatus,
  Condition,
  Destination,
  KnativeObject,
  KnativeStatus,
  ObjectReference,
} from './duck.js';

/** One step: where to send the event, and how. */
export interface SequenceStep extends Destination {
  delivery?: DeliverySpec;
}

/** Sequence spec. */
export interface SequenceSpec {
  steps: SequenceStep[];
  channelTemplate?: ChannelTemplateSpec;
  reply?: Destination;
}

/** Readiness of one channel a flow created. */
export interface FlowChannelStatus {
  channel: ObjectReference;
  ready: Condition;
}

/** Readiness of one subscription a flow created. */
export interface FlowSubscriptionStatus {
  subscription: ObjectReference;
  ready: Condition;
}

/** Sequence status. */
export interface SequenceStatus extends KnativeStatus, AddressStatus, AppliedEventPoliciesStatus {
  channelStatuses?: FlowChannelStatus[];
  subscriptionStatuses?: FlowSubscriptionStatus[];
  auth?: AuthStatus;
}

/** flows.knative.dev/v1 Sequence. */
export type Sequence = KnativeObject<SequenceSpec, SequenceStatus>;

/** Sequence conditions (sequence_lifecycle.go). */
export const SequenceConditions = livingConditionSet([
  'ChannelsReady',
  'SubscriptionsReady',
  'Addressable',
  'EventPoliciesReady',
]);
