import { defaultDelivery, defaultDestination } from './destination-defaults.js';
import { BrokerLabel, type Trigger } from './trigger.js';

/**
 * Default a Trigger (trigger_defaults.go): an absent filter becomes `{}` (match everything),
 * the broker label is set, and subscriber / dead-letter refs default to the trigger's namespace.
 */
export function defaultTrigger(t: Trigger): Trigger {
  const out = structuredClone(t);
  const ns = out.metadata.namespace;
  if (!out.spec.filter) out.spec.filter = {};
  if (out.spec.broker) {
    out.metadata.labels = { ...out.metadata.labels, [BrokerLabel]: out.spec.broker };
  }
  if (out.spec.subscriber) out.spec.subscriber = defaultDestination(out.spec.subscriber, ns);
  if (out.spec.delivery) out.spec.delivery = defaultDelivery(out.spec.delivery, ns);
  return out;
}
