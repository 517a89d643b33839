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
) => { ok: true; matches(event: CloudEvent): boolean; exactType?: string } | { ok: false };

interface KnownTrigger {
  uid: string;
  /** Undefined when the filter did not compile or there is no subscriber yet: never skip. */
  matches: ((event: CloudEvent) => boolean) | undefined;
  /** The type the filter requires exactly, if any (see `select`). */
  exactType?: string;
}

/**
 * A channel's subscribers sorted for `select`, by position: those whose Trigger requires
 * an exact type, under that type, and the others, which are tested one by one.
 */
interface SubscriberPlan {
  byType: Map<string, number[]>;
  others: number[];
}

const NONE: readonly number[] = [];

export class TriggerPrefilter {
  private readonly triggers = new Map<string, KnownTrigger>();
  private readonly uris: TriggerUris;
  /** Bumped by every Trigger change: the plans built before it are rebuilt. */
  private version = 0;
  private readonly plans = new WeakMap<
    readonly unknown[],
    { version: number; plan: SubscriberPlan }
  >();

  constructor(
    brokerFilterHost: string,
    private readonly compileFilter: CompileTriggerFilter,
  ) {
    this.uris = new TriggerUris(brokerFilterHost);
  }

  /** Loads (or reloads) a Trigger from the informer. */
  set(trigger: Trigger): void {
    const { namespace = '', name = '', uid = '' } = trigger.metadata;
    let known: KnownTrigger = { uid, matches: undefined };
    if (trigger.status?.subscriberUri) {
      try {
        const filter = this.compileFilter(trigger.spec);
        if (filter.ok) {
          known = { uid, matches: (event) => filter.matches(event) };
          if (filter.exactType !== undefined) known.exactType = filter.exactType;
        }
      } catch {
        // broker-filter marks such a Trigger as matching nothing and reports it; here it
        // only means "do not skip": broker-filter gives the answer.
      }
    }
    this.triggers.set(`${namespace}/${name}`, known);
    this.version++;
  }

  delete(trigger: Trigger): void {
    const { namespace = '', name = '' } = trigger.metadata;
    this.triggers.delete(`${namespace}/${name}`);
    this.version++;
  }

  /**
   * The subscribers (in their order) the event must still be sent to: `skipper`'s answer
   * for a whole fan-out, at a cost that does not grow with the Triggers the event's type
   * rules out. A subscriber whose Trigger requires another exact type is not looked at: the
   * skipper would skip it (its filter fails on the type). The plan behind this is built once
   * per subscriber list (the array itself, as the channel table holds it) and Trigger set.
   */
  select<S>(event: CloudEvent, subscribers: readonly S[], uriOf: (s: S) => string): readonly S[] {
    const skips = this.skipper(event);
    if (!skips) return subscribers;
    const plan = this.planFor(subscribers, uriOf);
    const typed = plan.byType.get(event.attributes['type'] ?? '') ?? NONE;
    const selected: S[] = [];
    for (const i of mergeSorted(plan.others, typed)) {
      const sub = subscribers[i] as S;
      if (!skips(uriOf(sub))) selected.push(sub);
    }
    return selected;
  }

  private planFor<S>(subscribers: readonly S[], uriOf: (s: S) => string): SubscriberPlan {
    const cached = this.plans.get(subscribers);
    if (cached?.version === this.version) return cached.plan;
    const plan: SubscriberPlan = { byType: new Map(), others: [] };
    subscribers.forEach((sub, i) => {
      const type = this.exactTypeFor(uriOf(sub));
      if (type === undefined) plan.others.push(i);
      else if (plan.byType.has(type)) plan.byType.get(type)?.push(i);
      else plan.byType.set(type, [i]);
    });
    this.plans.set(subscribers, { version: this.version, plan });
    return plan;
  }

  /** The exact type a subscriber's Trigger requires, when the skipper would trust its filter. */
  private exactTypeFor(subscriberUri: string): string | undefined {
    return this.trustedTrigger(subscriberUri)?.exactType;
  }

  /**
   * The Trigger behind a subscriber URI whose filter decides for broker-filter: the URI is
   * broker-filter's path for it, under the same UID, and its filter compiled.
   */
  private trustedTrigger(
    subscriberUri: string,
  ): (KnownTrigger & { matches: NonNullable<KnownTrigger['matches']> }) | undefined {
    const target = this.uris.parse(subscriberUri);
    if (target === undefined) return undefined;
    const trigger = this.triggers.get(target.key);
    if (trigger?.matches === undefined || trigger.uid !== target.uid) return undefined;
    return trigger as KnownTrigger & { matches: NonNullable<KnownTrigger['matches']> };
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
      const trigger = this.trustedTrigger(subscriberUri);
      return trigger !== undefined && !trigger.matches(filtered);
    };
  }
}

/** The union of two ascending index lists, ascending. */
function mergeSorted(a: readonly number[], b: readonly number[]): readonly number[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && (a[i] as number) < (b[j] as number)))
      out.push(a[i++] as number);
    else out.push(b[j++] as number);
  }
  return out;
}
