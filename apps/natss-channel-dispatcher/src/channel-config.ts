/**
 * A NatssChannel / NatsJetStreamChannel compiled into what the dispatcher needs: where its
 * events go in (stream, subject, host for routing) and, per subscriber, the compiled
 * delivery and its durable consumer. Bad subscribers are rejected one by one. Pure.
 */
import { compileDelivery, type DeliveryConfig } from '@knative-ts/delivery';
import {
  channelHostName,
  jetStreamConsumerName,
  JetStreamDeliveryOrderAnnotation,
  jetStreamSubject,
  natssStreamName,
  type DeliverySpec,
  type NatssChannel,
  type SubscriberSpec,
} from '@knative-ts/types';
import { makeConsumerConfig, type ConsumerConfigArgs } from './consumer-config.js';

export interface CompiledSubscriber {
  uid: string;
  generation?: number;
  subscriber: string;
  reply?: string;
  deadLetterSink?: string;
  config: DeliveryConfig;
  consumer: ReturnType<typeof makeConsumerConfig>;
}

export interface RejectedSubscriber {
  uid: string;
  generation?: number;
  message: string;
}

export interface JetStreamChannelConfig {
  kind: string;
  namespace: string;
  name: string;
  /** `<name>-kn-channel.<ns>.svc.<domain>`, lower case. */
  host: string;
  stream: string;
  subject: string;
  ordered: boolean;
  subscribers: CompiledSubscriber[];
  rejected: RejectedSubscriber[];
}

/** Compile `channel` for `domain`. */
export function compileChannel(channel: NatssChannel, domain: string): JetStreamChannelConfig {
  const namespace = channel.metadata.namespace ?? '';
  const name = channel.metadata.name ?? '';
  const ordered = channel.metadata.annotations?.[JetStreamDeliveryOrderAnnotation] === 'ordered';
  const subscribers: CompiledSubscriber[] = [];
  const rejected: RejectedSubscriber[] = [];
  for (const spec of channel.spec?.subscribers ?? []) {
    const compiled = compileSubscriber(spec, channel, ordered);
    if ('message' in compiled) rejected.push(compiled);
    else subscribers.push(compiled);
  }
  return {
    kind: channel.kind,
    namespace,
    name,
    host: channelHostName(name, namespace, domain).toLowerCase(),
    stream: natssStreamName(channel),
    subject: jetStreamSubject(namespace, name),
    ordered,
    subscribers,
    rejected,
  };
}

function compileSubscriber(
  spec: SubscriberSpec,
  channel: NatssChannel,
  ordered: boolean,
): CompiledSubscriber | RejectedSubscriber {
  const uid = spec.uid ?? '';
  const base = spec.generation === undefined ? { uid } : { uid, generation: spec.generation };
  if (!uid) return { ...base, message: 'subscriber has no uid' };
  if (!spec.subscriberUri) return { ...base, message: 'subscriber has no subscriberUri' };
  const { delivery, deadLetterSink } = effectiveDelivery(spec, channel);
  let config: DeliveryConfig;
  let consumer: CompiledSubscriber['consumer'];
  try {
    config = compileDelivery(delivery);
  } catch (err) {
    return { ...base, message: `invalid delivery: ${(err as Error).message}` };
  }
  const args: ConsumerConfigArgs = { name: jetStreamConsumerName(uid), ordered };
  if (channel.spec?.consumerConfigTemplate) args.template = channel.spec.consumerConfigTemplate;
  if (config.timeoutMs !== undefined) args.timeoutMs = config.timeoutMs;
  try {
    consumer = makeConsumerConfig(args);
  } catch (err) {
    return { ...base, message: `invalid consumerConfigTemplate: ${(err as Error).message}` };
  }
  const out: CompiledSubscriber = { ...base, subscriber: spec.subscriberUri, config, consumer };
  if (spec.replyUri) out.reply = spec.replyUri;
  if (deadLetterSink) out.deadLetterSink = deadLetterSink;
  return out;
}

/**
 * The subscriber's delivery replaces the channel's as a whole (data-plane-spec F.45); the
 * channel's dead-letter sink is the URI the controller resolved into its status.
 */
function effectiveDelivery(
  spec: SubscriberSpec,
  channel: NatssChannel,
): { delivery?: DeliverySpec; deadLetterSink?: string } {
  if (spec.delivery !== undefined) {
    const uri = spec.delivery.deadLetterSink?.uri;
    return uri ? { delivery: spec.delivery, deadLetterSink: uri } : { delivery: spec.delivery };
  }
  const delivery = channel.spec?.delivery;
  if (delivery === undefined) return {};
  const uri = channel.status?.deadLetterSinkUri;
  return uri ? { delivery, deadLetterSink: uri } : { delivery };
}
