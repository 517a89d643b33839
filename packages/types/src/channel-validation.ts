import type { Channel } from './channel.js';
import type { InMemoryChannel } from './in-memory-channel.js';
import { validateChannelableSpec, validateChannelTemplate } from './channelable-validation.js';
import { validateDelivery } from './delivery-validation.js';
import type { ValidationFeatures } from './features.js';
import { missingField, viaField, type FieldError } from './field-error.js';

/** Validate a Channel (channel_validation.go); the defaulter is expected to set channelTemplate. */
export function validateChannel(
  ch: Channel,
  features: Partial<ValidationFeatures> = {},
): FieldError[] {
  const ctx = { parentNamespace: ch.metadata.namespace ?? '', features };
  const errs: FieldError[] = [];
  if (!ch.spec.channelTemplate) errs.push(missingField('channelTemplate'));
  else errs.push(...viaField(validateChannelTemplate(ch.spec.channelTemplate), 'channelTemplate'));
  // Subscribers are written by the Subscription controller, so they are not checked here.
  if (ch.spec.delivery) errs.push(...viaField(validateDelivery(ch.spec.delivery, ctx), 'delivery'));
  return viaField(errs, 'spec');
}

/** Validate an InMemoryChannel (in_memory_channel_validation.go). */
export function validateInMemoryChannel(
  imc: InMemoryChannel,
  features: Partial<ValidationFeatures> = {},
): FieldError[] {
  const ctx = { parentNamespace: imc.metadata.namespace ?? '', features };
  return viaField(validateChannelableSpec(imc.spec, ctx), 'spec');
}
