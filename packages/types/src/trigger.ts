import { livingConditionSet } from './condition-set.js';
import type { DeliverySpec, DeliveryStatus } from './delivery.js';
import type { AuthStatus, Destination, KReference, KnativeObject, KnativeStatus } from './duck.js';

/** Label the Trigger defaulter sets to the broker name, so triggers can be listed by broker. */
export const BrokerLabel = 'eventing.knative.dev/broker';
/** Label on trigger subscriptions naming their trigger. */
export const TriggerLabel = 'eventing.knative.dev/trigger';
/** Annotation holding a JSON ObjectReference the trigger waits for (DependencyReady). */
export const DependencyAnnotation = 'knative.dev/dependency';
/** Annotation asking for the default broker to be injected ("enabled"/"disabled"). */
export const InjectionAnnotation = 'eventing.knative.dev/injection';

/** Legacy exact-match filter: every key must be present; "" matches any non-empty value. */
export interface TriggerFilter {
  attributes?: Record<string, string>;
}

/**
 * One CloudEvents Subscriptions API filter; exactly one dialect may be set per object
 * (exact/prefix/suffix take a single attribute each).
 */
export interface SubscriptionsAPIFilter {
  all?: SubscriptionsAPIFilter[];
  any?: SubscriptionsAPIFilter[];
  not?: SubscriptionsAPIFilter;
  exact?: Record<string, string>;
  prefix?: Record<string, string>;
  suffix?: Record<string, string>;
  /** A CloudEvents SQL expression. */
  cesql?: string;
}

/** Trigger spec. A non-empty `filters` overrides `filter`. */
export interface TriggerSpec {
  /** Broker name in the trigger's namespace; required and immutable. */
  broker: string;
  /** Cross-namespace broker reference (flag `cross-namespace-event-links`). */
  brokerRef?: KReference;
  filter?: TriggerFilter;
  filters?: SubscriptionsAPIFilter[];
  subscriber: Destination;
  delivery?: DeliverySpec;
}

/** Trigger status. */
export interface TriggerStatus extends KnativeStatus, DeliveryStatus {
  subscriberUri?: string;
  subscriberCACerts?: string;
  subscriberAudience?: string;
  auth?: AuthStatus;
}

/** eventing.knative.dev/v1 Trigger. */
export type Trigger = KnativeObject<TriggerSpec, TriggerStatus>;

/** Trigger conditions (trigger_lifecycle.go). */
export const TriggerConditions = livingConditionSet([
  'BrokerReady',
  'SubscriptionReady',
  'DependencyReady',
  'SubscriberResolved',
  'DeadLetterSinkResolved',
  'OIDCIdentityCreated',
]);
