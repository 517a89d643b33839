import type { ChannelTemplateSpec } from './channelable.js';
import { livingConditionSet } from './condition-set.js';
import type { DeliverySpec } from './delivery.js';
import type {
  AddressStatus,
  AppliedEventPoliciesStatus,
  AuthStatus,
  Destination,
  KnativeObject,
  KnativeStatus,
} from './duck.js';
import type { FlowChannelStatus, FlowSubscriptionStatus } from './sequence.js';

/** One branch: an optional filter (passes by replying with the event), then the subscriber. */
export interface ParallelBranch {
  filter?: Destination;
  subscriber: Destination;
  reply?: Destination;
  delivery?: DeliverySpec;
}

/** Parallel spec. */
export interface ParallelSpec {
  branches: ParallelBranch[];
  channelTemplate?: ChannelTemplateSpec;
  reply?: Destination;
}

/** Readiness of the parts of one branch. */
export interface ParallelBranchStatus {
  filterChannelStatus?: FlowChannelStatus;
  filterSubscriptionStatus?: FlowSubscriptionStatus;
  subscriberSubscriptionStatus?: FlowSubscriptionStatus;
}

/** Parallel status. */
export interface ParallelStatus extends KnativeStatus, AddressStatus, AppliedEventPoliciesStatus {
  ingressChannelStatus?: FlowChannelStatus;
  branchStatuses?: ParallelBranchStatus[];
  auth?: AuthStatus;
}

/** flows.knative.dev/v1 Parallel. */
export type Parallel = KnativeObject<ParallelSpec, ParallelStatus>;

/** Parallel conditions (parallel_lifecycle.go). */
export const ParallelConditions = livingConditionSet([
  'ChannelsReady',
  'SubscriptionsReady',
  'Addressable',
  'EventPoliciesReady',
]);
