import { livingConditionSet } from './condition-set.js';
import type { DeliverySpec, DeliveryStatus } from './delivery.js';
import type {
  AddressStatus,
  AppliedEventPoliciesStatus,
  KReference,
  KnativeObject,
  KnativeStatus,
} from './duck.js';

/** Annotation naming the broker implementation; required after defaulting, immutable. */
export const BrokerClassAnnotation = 'eventing.knative.dev/broker.class';
/** The only broker class this implementation reconciles (channel-based, multi-tenant). */
export const MTChannelBasedBrokerClass = 'MTChannelBasedBroker';
/** Status annotation holding the URL of the broker's trigger channel. */
export const BrokerChannelAddressStatusAnnotation = 'knative.dev/channelAddress';

/** Broker spec: config reference (immutable) and default delivery for its triggers. */
export interface BrokerSpec {
  config?: KReference;
  delivery?: DeliverySpec;
}

/** Broker status. */
export interface BrokerStatus
  extends KnativeStatus, AddressStatus, DeliveryStatus, AppliedEventPoliciesStatus {}

/** eventing.knative.dev/v1 Broker. */
export type Broker = KnativeObject<BrokerSpec, BrokerStatus>;

/** Broker conditions (broker_lifecycle.go). */
export const BrokerConditions = livingConditionSet([
  'IngressReady',
  'TriggerChannelReady',
  'FilterReady',
  'Addressable',
  'DeadLetterSinkResolved',
  'EventPoliciesReady',
]);
