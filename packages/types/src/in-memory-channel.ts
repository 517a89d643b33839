import type { ChannelableSpec, ChannelableStatus } from './channelable.js';
import { livingConditionSet } from './condition-set.js';
import type { KnativeObject } from './duck.js';

/** Annotation making the in-memory dispatcher answer before fan-out finishes. */
export const AsyncHandlerAnnotation = 'messaging.knative.dev/async-handler';

/** messaging.knative.dev/v1 InMemoryChannel. */
export type InMemoryChannel = KnativeObject<ChannelableSpec, ChannelableStatus>;

/** InMemoryChannel conditions (in_memory_channel_lifecycle.go). */
export const InMemoryChannelConditions = livingConditionSet([
  'ServiceReady',
  'EndpointsReady',
  'Addressable',
  'ChannelServiceReady',
  'DeadLetterSinkResolved',
  'EventPoliciesReady',
]);
