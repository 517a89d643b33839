/**
 * Filtering a broker's events before the hop to broker-filter. A Broker's trigger channel
 * has one subscriber per Trigger, all at broker-filter (`/triggers/<ns>/<name>/<uid>`), and
 * broker-filter answers 200 without delivering when the Trigger's filter does not match.
 * A channel dispatcher that knows the Trigger can give that answer itself: a Trigger that
 * does not match costs no request. Knative's Kafka broker filters before dispatch the same
 * way; its channel-based broker does not.
 *
 * The skip is taken only where broker-filter would certainly answer 200 with no delivery:
 * the subscriber URI is this system's broker-filter, the Trigger is known with the same
 * UID and a resolved subscriber, its filter compiled, the event carries a valid broker TTL
 * (without one broker-filter answers 400), and the filter, applied as broker-filter applies
 * it (to the event without its TTL), rejects it. In every other case the event is sent and
 * broker-filter decides, so semantics, status codes and retries stay as they were; the
 * only difference is a Trigger informer's lag, which broker-filter has as well.
 */
import type { Trigger, TriggerSpec } from '@knative-ts/types';
import type { CloudEvent } from '../event.js';
import { readBrokerTtl, stripBrokerTtl } from '../receiver/broker-ttl.js';
import { TriggerUris } from './trigger-uri.js';

/** `compileTriggerFilter` of @knative-ts/eventfilter (injected: no data-plane dependency). */
export type CompileTriggerFilter = (
  spec: TriggerSpec,
) => { ok: true; matches(event: CloudEvent): boolean } | { ok: false };

interface KnownTrigger {
  uid: string;
  /** Undefined when the filter did not compile or there is no subscriber yet: never skip. */
  matches: ((event: CloudEvent) => boolean) | undefined;
}

export class TriggerPrefilter {
  private readonly triggers = new Map<string, KnownTrigger>();
  private readonly uris: TriggerUris;

  constructor(
    brokerFilterHost: string,
    private readonly compileFilter: CompileTriggerFilter,
  ) {
    this.uris = new TriggerUris(brokerFilterHost);
  }

  /** Loads (or reloads) a Trigger from the informer. */
  set(trigger: Trigger): void {
    const { namespace = '', name = '', uid = '' } = trigger.metadata;
    let matches: KnownTrigger['matches'];
    if (trigger.status?.subscriberUri) {
      try {
        const filter = this.compileFilter(trigger.spec);
        if (filter.ok) matches = (event) => filter.matches(event);
      } catch {
        // broker-filter marks such a Trigger as matching nothing and reports it; here it
        // only means "do not skip": broker-filter gives the answer.
        matches = undefined;
      }
    }
    this.triggers.set(`${namespace}/${name}`, { uid, matches });
  }

  delete(trigger: Trigger): void {
    const { namespace = '', name = '' } = trigger.metadata;
    this.triggers.delete(`${namespace}/${name}`);
  }

  /**
   * For one event, the test of each subscriber URI: true when broker-filter would answer
   * 200 without delivering the event there. Undefined when no subscriber can be skipped
   * (no Trigger known, no valid broker TTL), so a fan-out pays nothing per subscriber.
   */
  skipper(event: CloudEvent): ((subscriberUri: string) => boolean) | undefined {
    if (this.triggers.size === 0 || readBrokerTtl(event) === undefined) return undefined;
    // What broker-filter's filter sees: the event without its TTL, made once per event.
    const filtered = stripBrokerTtl(event).event;
    return (subscriberUri) => {
      const target = this.uris.parse(subscriberUri);
      if (target === undefined) return false;
      const trigger = this.triggers.get(target.key);
      if (trigger?.matches === undefined || trigger.uid !== target.uid) return false;
      return !trigger.matches(filtered);
    };
  }
}
