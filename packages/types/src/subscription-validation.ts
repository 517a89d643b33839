import { validateDelivery } from './delivery-validation.js';
import {
  isDestinationEmpty,
  validateDestination,
  validateKReference,
} from './destination-validation.js';
import type { ValidationFeatures } from './features.js';
import { missingField, viaField, type FieldError } from './field-error.js';
import type { Subscription } from './subscription.js';

/**
 * Validate a Subscription (subscription_validation.go): a channel in the same namespace is
 * required, and at least one of subscriber or reply (pre-0.26 behaviour, Knative's default).
 */
export function validateSubscription(
  sub: Subscription,
  features: Partial<ValidationFeatures> = {},
): FieldError[] {
  const ctx = { parentNamespace: sub.metadata.namespace ?? '', features };
  const spec = sub.spec;
  const ch = spec.channel as Subscription['spec']['channel'] | undefined;
  if (!ch || (!ch.name && !ch.kind && !ch.apiVersion && !ch.namespace && !ch.group)) {
    return [missingField('spec.channel', 'the Subscription must reference a channel')];
  }
  const errs = viaField(validateKReference(ch, ctx), 'channel');
  const noSubscriber = isDestinationEmpty(spec.subscriber);
  const noReply = isDestinationEmpty(spec.reply);
  if (noSubscriber && noReply) {
    errs.push(
      missingField(
        'reply, subscriber',
        'the Subscription must reference at least one of (reply or a subscriber)',
      ),
    );
  }
  if (!noSubscriber && spec.subscriber) {
    errs.push(...viaField(validateDestination(spec.subscriber, ctx), 'subscriber'));
  }
  if (!noReply && spec.reply) errs.push(...viaField(validateDestination(spec.reply, ctx), 'reply'));
  if (spec.delivery) errs.push(...viaField(validateDelivery(spec.delivery, ctx), 'delivery'));
  return viaField(errs, 'spec');
}
