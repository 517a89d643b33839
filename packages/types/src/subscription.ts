import { livingConditionSet } from './condition-set.js';
import type { DeliverySpec } from './delivery.js';
import type { AuthStatus, Destination, KReference, KnativeObject, KnativeStatus } from './duck.js';

/** Subscription spec. Only `subscriber` and `reply` may change after creation. */
export interface SubscriptionSpec {
  /** The channel to subscribe to, in the same namespace; required. */
  channel: KReference;
  subscriber?: Destination;
  reply?: Destination;
  delivery?: DeliverySpec;
}

/** The resolved URIs the channel delivers to for this subscription. */
export interface SubscriptionStatusPhysicalSubscription {
  subscriberUri?: string;
  subscriberCACerts?: string;
  subscriberAudience?: string;
  replyUri?: string;
  replyCACerts?: string;
  replyAudience?: string;
  deadLetterSinkUri?: string;
  deadLetterSinkCACerts?: string;
  deadLetterSinkAudience?: string;
}

/** Subscription status. */
export interface SubscriptionStatus extends KnativeStatus {
  physicalSubscription?: SubscriptionStatusPhysicalSubscription;
  auth?: AuthStatus;
}

/** messaging.knative.dev/v1 Subscription. */
export type Subscription = KnativeObject<SubscriptionSpec, SubscriptionStatus>;

/** Subscription conditions (subscription_lifecycle.go). */
export const SubscriptionConditions = livingConditionSet([
  'ReferencesResolved',
  'AddedToChannel',
  'ChannelReady',
  'OIDCIdentityCreated',
]);
