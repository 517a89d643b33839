import type { ChannelableSpec, ChannelableStatus, ChannelTemplateSpec } from './channelable.js';
import { livingConditionSet } from './condition-set.js';
import type { KReference, KnativeObject } from './duck.js';

/** Annotation every channel carries to declare the subscribable duck version it speaks. */
export const SubscribableDuckVersionAnnotation = 'messaging.knative.dev/subscribable';

/** Channel spec: the backing channel's template (immutable) plus the channelable fields. */
export interface ChannelSpec extends ChannelableSpec {
  channelTemplate?: ChannelTemplateSpec;
}

/** Channel status: channelable status plus the backing channel's reference. */
export interface ChannelStatus extends ChannelableStatus {
  channel?: KReference;
  deadLetterChannel?: KReference;
}

/** messaging.knative.dev/v1 Channel: a generic channel backed by a concrete kind. */
export type Channel = KnativeObject<ChannelSpec, ChannelStatus>;

/** Channel conditions (channel_lifecycle.go). */
export const ChannelConditions = livingConditionSet([
  'BackingChannelReady',
  'Addressable',
  'DeadLetterSinkResolved',
  'EventPoliciesReady',
]);
