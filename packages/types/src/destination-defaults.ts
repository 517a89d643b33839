import type { DeliverySpec } from './delivery.js';
import type { Destination, KReference } from './duck.js';

/** A ref without a namespace points into the parent's namespace (KReference.SetDefaults). */
export function defaultKReference(ref: KReference, namespace: string | undefined): KReference {
  return ref.namespace || !namespace ? ref : { ...ref, namespace };
}

/** Default a Destination's ref namespace to the parent's (Destination.SetDefaults). */
export function defaultDestination(d: Destination, namespace: string | undefined): Destination {
  return d.ref ? { ...d, ref: defaultKReference(d.ref, namespace) } : d;
}

/** Default the dead-letter sink's ref namespace (DeliverySpec.SetDefaults). */
export function defaultDelivery(d: DeliverySpec, namespace: string | undefined): DeliverySpec {
  return d.deadLetterSink
    ? { ...d, deadLetterSink: defaultDestination(d.deadLetterSink, namespace) }
    : d;
}
