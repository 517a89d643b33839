import type { ChannelableSpec, ChannelTemplateSpec, SubscriberSpec } from './channelable.js';
import { validateDelivery } from './delivery-validation.js';
import type { ReferenceContext } from './destination-validation.js';
import { genericError, missingField, viaField, viaIndex, type FieldError } from './field-error.js';

/** A channel template needs a kind and an apiVersion (IsValidChannelTemplate). */
export function validateChannelTemplate(ct: ChannelTemplateSpec): FieldError[] {
  const errs: FieldError[] = [];
  if (!ct.kind) errs.push(missingField('kind'));
  if (!ct.apiVersion) errs.push(missingField('apiVersion'));
  return errs;
}

/** Each subscriber needs a subscriber or reply URI; delivery specs must be valid. */
function validateSubscriber(s: SubscriberSpec, ctx: ReferenceContext = {}): FieldError[] {
  const errs: FieldError[] = [];
  if (!s.subscriberUri && !s.replyUri) {
    errs.push(genericError('expected exactly one, got neither', 'replyUri, subscriberUri'));
  }
  if (s.delivery) errs.push(...viaField(validateDelivery(s.delivery, ctx), 'delivery'));
  return errs;
}

/** Validate the channelable part of a concrete channel's spec (IMC, Kafka, NATS). */
export function validateChannelableSpec(
  spec: ChannelableSpec,
  ctx: ReferenceContext = {},
): FieldError[] {
  const errs: FieldError[] = [];
  (spec.subscribers ?? []).forEach((s, i) =>
    errs.push(...viaIndex(validateSubscriber(s, ctx), 'subscribers', i)),
  );
  if (spec.delivery) errs.push(...viaField(validateDelivery(spec.delivery, ctx), 'delivery'));
  return errs;
}
