import { validateChannelTemplate } from './channelable-validation.js';
import { validateDelivery } from './delivery-validation.js';
import { validateDestination, type ReferenceContext } from './destination-validation.js';
import type { Destination } from './duck.js';
import type { ValidationFeatures } from './features.js';
import { missingField, viaField, viaIndex, type FieldError } from './field-error.js';
import type { ChannelTemplateSpec } from './channelable.js';
import type { Parallel } from './parallel.js';
import type { Sequence } from './sequence.js';

/** Validate a defaulted Sequence: at least one valid step, a channel template, a valid reply. */
export function validateSequence(
  s: Sequence,
  features: Partial<ValidationFeatures> = {},
): FieldError[] {
  const ctx = { parentNamespace: s.metadata.namespace ?? '', features };
  const steps = s.spec.steps ?? [];
  const errs: FieldError[] = [];
  if (steps.length === 0) errs.push(missingField('steps'));
  steps.forEach((step, i) => {
    const { delivery, ...dest } = step;
    const e = validateDestination(dest, ctx);
    if (delivery) e.push(...viaField(validateDelivery(delivery, ctx), 'delivery'));
    errs.push(...viaIndex(e, 'steps', i));
  });
  errs.push(...templateAndReply(s.spec.channelTemplate, s.spec.reply, ctx));
  return viaField(errs, 'spec');
}

/** Validate a defaulted Parallel: at least one branch with a valid subscriber, a template. */
export function validateParallel(
  p: Parallel,
  features: Partial<ValidationFeatures> = {},
): FieldError[] {
  const ctx = { parentNamespace: p.metadata.namespace ?? '', features };
  const branches = p.spec.branches ?? [];
  const errs: FieldError[] = [];
  if (branches.length === 0) errs.push(missingField('branches'));
  branches.forEach((b, i) => {
    const e: FieldError[] = [];
    if (b.filter) e.push(...viaField(validateDestination(b.filter, ctx), 'filter'));
    e.push(...viaField(validateDestination(b.subscriber ?? {}, ctx), 'subscriber'));
    if (b.reply) e.push(...viaField(validateDestination(b.reply, ctx), 'reply'));
    if (b.delivery) e.push(...viaField(validateDelivery(b.delivery, ctx), 'delivery'));
    errs.push(...viaIndex(e, 'branches', i));
  });
  errs.push(...templateAndReply(p.spec.channelTemplate, p.spec.reply, ctx));
  return viaField(errs, 'spec');
}

function templateAndReply(
  template: ChannelTemplateSpec | undefined,
  reply: Destination | undefined,
  ctx: ReferenceContext,
): FieldError[] {
  const errs: FieldError[] = [];
  if (!template) errs.push(missingField('channelTemplate'));
  else errs.push(...viaField(validateChannelTemplate(template), 'channelTemplate'));
  if (reply) errs.push(...viaField(validateDestination(reply, ctx), 'reply'));
  return errs;
}
