/**
 * An InMemoryChannel compiled into what the hot path needs: one entry per subscriber with
 * its delivery already compiled, so nothing is parsed or resolved per event. Pure.
 */
import { compileDelivery, type DeliveryConfig } from '@knative-ts/delivery';
import {
  AsyncHandlerAnnotation,
  channelHostName,
  type DeliverySpec,
  type InMemoryChannel,
  type SubscriberSpec,
} from '@knative-ts/types';

/** One subscriber, ready to dispatch to. */
export interface CompiledSubscriber {
  uid: string;
  generation?: number;
  subscriber: string;
  reply?: string;
  deadLetterSink?: string;
  config: DeliveryConfig;
}

/** A subscriber the dispatcher cannot serve, and why (reported in status, never dispatched). */
export interface RejectedSubscriber {
  uid: string;
  generation?: number;
  message: string;
}

export interface ChannelConfig {
  namespace: string;
  name: string;
  /** `<name>-kn-channel.<ns>.svc.<domain>`, lower case. */
  host: string;
  /** Answer 202 before fan-out (annotation `messaging.knative.dev/async-handler: "true"`). */
  async: boolean;
  subscribers: CompiledSubscriber[];
  rejected: RejectedSubscriber[];
}

/** Compile `imc` for `domain`; bad subscribers are rejected one by one, not the channel. */
export function compileChannel(imc: InMemoryChannel, domain: string): ChannelConfig {
  const namespace = imc.metadata.namespace ?? '';
  const name = imc.metadata.name ?? '';
  const subscribers: CompiledSubscriber[] = [];
  const rejected: RejectedSubscriber[] = [];
  for (const spec of imc.spec?.subscribers ?? []) {
    const compiled = compileSubscriber(spec, imc);
    if ('message' in compiled) rejected.push(compiled);
    else subscribers.push(compiled);
  }
  return {
    namespace,
    name,
    host: channelHostName(name, namespace, domain).toLowerCase(),
    async: imc.metadata.annotations?.[AsyncHandlerAnnotation] === 'true',
    subscribers,
    rejected,
  };
}

function compileSubscriber(
  spec: SubscriberSpec,
  imc: InMemoryChannel,
): CompiledSubscriber | RejectedSubscriber {
  const uid = spec.uid ?? '';
  const base = spec.generation === undefined ? { uid } : { uid, generation: spec.generation };
  if (!spec.subscriberUri) return { ...base, message: 'subscriber has no subscriberUri' };
  const { delivery, deadLetterSink } = effectiveDelivery(spec, imc);
  let config: DeliveryConfig;
  try {
    config = compileDelivery(delivery);
  } catch (err) {
    return { ...base, message: `invalid delivery: ${(err as Error).message}` };
  }
  const out: CompiledSubscriber = { ...base, subscriber: spec.subscriberUri, config };
  if (spec.replyUri) out.reply = spec.replyUri;
  if (deadLetterSink) out.deadLetterSink = deadLetterSink;
  return out;
}

/**
 * The subscriber's delivery replaces the channel's as a whole (data-plane-spec F.45); the
 * channel's dead-letter sink is the URI the controller resolved into its status.
 */
export function effectiveDelivery(
  spec: SubscriberSpec,
  imc: InMemoryChannel,
): { delivery?: DeliverySpec; deadLetterSink?: string } {
  if (spec.delivery !== undefined) {
    const uri = spec.delivery.deadLetterSink?.uri;
    return uri ? { delivery: spec.delivery, deadLetterSink: uri } : { delivery: spec.delivery };
  }
  const delivery = imc.spec?.delivery;
  if (delivery === undefined) return {};
  const uri = imc.status?.deadLetterSinkUri ?? absoluteUri(delivery.deadLetterSink?.uri);
  return uri ? { delivery, deadLetterSink: uri } : { delivery };
}

function absoluteUri(uri: string | undefined): string | undefined {
  return uri !== undefined && /^https?:\/\//i.test(uri) ? uri : undefined;
}
