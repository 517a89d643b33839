import type {
  ChannelableSpec,
  DeliverySpec,
  SubscriberSpec,
  Subscription,
} from '@knative-ts/types';

/**
 * The entry a Subscription puts into its channel's `spec.subscribers`: resolved URIs and
 * the delivery options (the Subscription's, else the channel's), with the dead-letter sink
 * as the resolved URI, so the dispatcher needs no resolving of its own.
 */
export function makeSubscriberSpec(
  sub: Subscription,
  channelSpec: ChannelableSpec,
): SubscriberSpec {
  const physical = sub.status?.physicalSubscription ?? {};
  const spec: SubscriberSpec = {
    name: sub.metadata.name,
    uid: sub.metadata.uid,
    generation: sub.metadata.generation,
  };
  if (physical.subscriberUri) spec.subscriberUri = physical.subscriberUri;
  if (physical.subscriberCACerts) spec.subscriberCACerts = physical.subscriberCACerts;
  if (physical.subscriberAudience) spec.subscriberAudience = physical.subscriberAudience;
  if (physical.replyUri) spec.replyUri = physical.replyUri;
  if (physical.replyCACerts) spec.replyCACerts = physical.replyCACerts;
  if (physical.replyAudience) spec.replyAudience = physical.replyAudience;
  const delivery = deliveryFor(sub.spec.delivery ?? channelSpec.delivery, physical);
  if (delivery) spec.delivery = delivery;
  return spec;
}

function deliveryFor(
  from: DeliverySpec | undefined,
  physical: NonNullable<NonNullable<Subscription['status']>['physicalSubscription']>,
): DeliverySpec | undefined {
  const out: DeliverySpec = {};
  if (physical.deadLetterSinkUri) {
    out.deadLetterSink = { uri: physical.deadLetterSinkUri };
    if (physical.deadLetterSinkCACerts) out.deadLetterSink.CACerts = physical.deadLetterSinkCACerts;
    if (physical.deadLetterSinkAudience)
      out.deadLetterSink.audience = physical.deadLetterSinkAudience;
  }
  for (const key of [
    'retry',
    'backoffPolicy',
    'backoffDelay',
    'timeout',
    'retryAfterMax',
    'format',
  ] as const) {
    if (from?.[key] !== undefined) (out as Record<string, unknown>)[key] = from[key];
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** `subscribers` with `entry` replacing the one of the same uid, or appended. */
export function withSubscriber(
  subscribers: SubscriberSpec[],
  entry: SubscriberSpec,
): SubscriberSpec[] {
  const i = subscribers.findIndex((s) => s.uid === entry.uid);
  return i < 0 ? [...subscribers, entry] : subscribers.map((s, j) => (j === i ? entry : s));
}

/** `subscribers` without the one of `uid`. */
export function withoutSubscriber(
  subscribers: SubscriberSpec[],
  uid: string | undefined,
): SubscriberSpec[] {
  return subscribers.filter((s) => s.uid !== uid);
}
