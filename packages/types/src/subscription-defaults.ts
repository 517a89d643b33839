import { defaultDelivery, defaultDestination } from './destination-defaults.js';
import type { Subscription } from './subscription.js';

/** Default a Subscription: subscriber, reply and dead-letter refs default to its namespace. */
export function defaultSubscription(sub: Subscription): Subscription {
  const out = structuredClone(sub);
  const ns = out.metadata.namespace;
  if (out.spec.subscriber) out.spec.subscriber = defaultDestination(out.spec.subscriber, ns);
  if (out.spec.reply) out.spec.reply = defaultDestination(out.spec.reply, ns);
  if (out.spec.delivery) out.spec.delivery = defaultDelivery(out.spec.delivery, ns);
  return out;
}
