/**
 * broker-filter in-process, for a Broker's trigger channel. Each Trigger is a subscriber of
 * its Broker's channel at broker-filter (`/triggers/<ns>/<name>/<uid>`); a channel
 * dispatcher that knows the Trigger with that UID serves the attempt itself with
 * deliverToTrigger — the same code broker-filter runs, so the channel's Sender gets the
 * same answer (status, reply, error body for the dead letter) and applies the Trigger's
 * retries, reply and dead-letter sink as before. The event skips two HTTP exchanges,
 * a parse and a serialization.
 *
 * Any URI this process cannot serve exactly (not this system's broker-filter, a Trigger
 * not known yet or known with another UID) goes to broker-filter over HTTP, which
 * decides as before.
 */
import { TriggerUris, type HttpResponse, type LocalDestinations } from '@knative-ts/delivery';
import { deliverToTrigger, type TriggerDeliveryOptions } from './trigger-delivery.js';
import type { TriggerLookup } from './trigger-table.js';

export interface LocalTriggerDeliveryOptions extends TriggerDeliveryOptions {
  /** This system's broker-filter host: only its trigger URIs are served here. */
  brokerFilterHost: string;
  triggers: TriggerLookup;
}

export function localTriggerDelivery(o: LocalTriggerDeliveryOptions): LocalDestinations {
  const uris = new TriggerUris(o.brokerFilterHost);
  return (url) => {
    const target = uris.parse(url);
    if (target === undefined) return undefined;
    const trigger = o.triggers.get(target.namespace, target.name);
    if (trigger === undefined || trigger.uid !== target.uid) return undefined;
    return async (call): Promise<HttpResponse> => {
      const answer = await deliverToTrigger(o, { trigger, ...call });
      return { status: answer.status, headers: answer.headers, body: answer.body };
    };
  };
}
