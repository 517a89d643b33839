import {
  channelTemplateFor,
  ShippedChannelDefaults,
  type ChannelDefaultsConfig,
} from './channel-defaults.js';
import { defaultDelivery, defaultDestination } from './destination-defaults.js';
import type { Parallel } from './parallel.js';
import type { Sequence } from './sequence.js';

/** Default a Sequence: channelTemplate from `default-ch-webhook`, step and reply namespaces. */
export function defaultSequence(
  s: Sequence,
  config: ChannelDefaultsConfig = ShippedChannelDefaults,
): Sequence {
  const out = structuredClone(s);
  const ns = out.metadata.namespace;
  out.spec.channelTemplate ??= channelTemplateFor(config, ns ?? '');
  out.spec.steps = (out.spec.steps ?? []).map((step) => {
    const d = defaultDestination(step, ns);
    return step.delivery ? { ...d, delivery: defaultDelivery(step.delivery, ns) } : d;
  });
  if (out.spec.reply) out.spec.reply = defaultDestination(out.spec.reply, ns);
  return out;
}

/** Default a Parallel: channelTemplate from `default-ch-webhook`, branch and reply namespaces. */
export function defaultParallel(
  p: Parallel,
  config: ChannelDefaultsConfig = ShippedChannelDefaults,
): Parallel {
  const out = structuredClone(p);
  const ns = out.metadata.namespace;
  out.spec.channelTemplate ??= channelTemplateFor(config, ns ?? '');
  out.spec.branches = (out.spec.branches ?? []).map((b) => {
    const branch = { ...b, subscriber: defaultDestination(b.subscriber, ns) };
    if (b.filter) branch.filter = defaultDestination(b.filter, ns);
    if (b.reply) branch.reply = defaultDestination(b.reply, ns);
    if (b.delivery) branch.delivery = defaultDelivery(b.delivery, ns);
    return branch;
  });
  if (out.spec.reply) out.spec.reply = defaultDestination(out.spec.reply, ns);
  return out;
}
