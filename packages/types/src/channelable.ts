import type { DeliverySpec, DeliveryStatus } from './delivery.js';
import type {
  AddressStatus,
  AppliedEventPoliciesStatus,
  AuthStatus,
  ConditionStatus,
  KnativeStatus,
} from './duck.js';

/** One subscriber of a channel, written by the Subscription controller (eventingduckv1.SubscriberSpec). */
export interface SubscriberSpec {
  name?: string;
  uid?: string;
  generation?: number;
  subscriberUri?: string;
  subscriberCACerts?: string;
  subscriberAudience?: string;
  replyUri?: string;
  replyCACerts?: string;
  replyAudience?: string;
  delivery?: DeliverySpec;
  auth?: AuthStatus;
}

/** How ready the channel's dispatcher is for one subscriber (eventingduckv1.SubscriberStatus). */
export interface SubscriberStatus {
  uid?: string;
  observedGeneration?: number;
  ready?: ConditionStatus;
  message?: string;
  auth?: AuthStatus;
}

/** Spec shared by every channel kind (eventingduckv1.ChannelableSpec). */
export interface ChannelableSpec {
  subscribers?: SubscriberSpec[];
  delivery?: DeliverySpec;
}

/** Status shared by every channel kind (eventingduckv1.ChannelableStatus). */
export interface ChannelableStatus
  extends KnativeStatus, AddressStatus, DeliveryStatus, AppliedEventPoliciesStatus {
  subscribers?: SubscriberStatus[];
}

/** The kind (and optional spec) of channel to create (messagingv1.ChannelTemplateSpec). */
export interface ChannelTemplateSpec {
  apiVersion: string;
  kind: string;
  /** Kind-specific spec, copied verbatim into the backing channel. */
  spec?: Record<string, unknown>;
}
