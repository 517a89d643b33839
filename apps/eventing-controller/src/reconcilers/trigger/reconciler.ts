import { isAlreadyExists, isNotFound, type KubeClient, type ObjectRef } from '@knative-ts/kube';
import {
  isControlledBy,
  keyOf,
  warningEvent,
  type KindReconciler,
  type ReconcileResult,
} from '@knative-ts/reconciler';
import {
  BrokerClassAnnotation,
  defaultTrigger,
  EventingV1,
  markDeadLetterSinkNotConfigured,
  markOidcIdentityDisabled,
  MTChannelBasedBrokerClass,
  TriggerConditions,
  validateTrigger,
  type Broker,
  type Subscription,
  type Trigger,
  type TriggerSpec,
} from '@knative-ts/types';
import type { References } from '../../references/references.js';
import type { DestinationResolver } from '../../resolver/destination-resolver.js';
import { ChannelAnnotations } from '../broker/reconciler.js';
import { isDerivative } from '../semantic.js';
import { checkDependency } from './dependency.js';
import { triggerFilterUrl } from './resources/filter-paths.js';
import { makeSubscription } from './resources/make-subscription.js';
import {
  clearDeadLetterSink,
  deadLetterSinkOf,
  resolveDeadLetterSink,
  setDeadLetterSink,
} from '../dead-letter-sink.js';
import { ControllerValidationFeatures, rejectInvalidSpec } from '../invalid-spec.js';

/** Checks a trigger's filters (eventfilter's compileTriggerFilter fits). */
export type FilterValidator = (
  spec: Pick<TriggerSpec, 'filter' | 'filters'>,
) => { ok: true } | { ok: false; errors: ReadonlyArray<{ path: string; message: string }> };

export interface TriggerReconcilerOptions {
  client: KubeClient;
  references: References;
  resolver: DestinationResolver;
  validateFilter: FilterValidator;
  systemNamespace: string;
  clusterDomain: string;
  now?: () => Date;
}

type Manager = ReturnType<typeof TriggerConditions.manage>;

/** Reason of a trigger whose filters do not compile (no webhook rejects them here). */
export const InvalidFilterReason = 'InvalidFilter';

/**
 * Reconciles a Trigger of an MTChannelBasedBroker as Knative's mt-trigger controller does:
 * waits for its broker, resolves the subscriber and dead-letter sink, and keeps a
 * Subscription on the broker's trigger channel that sends to broker-filter and replies to
 * the Broker. Filters Knative's webhook would reject make the trigger Ready=False instead.
 */
export class TriggerReconciler implements KindReconciler<Trigger> {
  constructor(private readonly options: TriggerReconcilerOptions) {}

  async reconcileKind(trigger: Trigger): Promise<ReconcileResult> {
    trigger.status ??= {};
    const m = TriggerConditions.manage(trigger.status, this.options.now ?? (() => new Date()));
    m.initialize();
    markOidcIdentityDisabled(m);

    // What Knative's webhook rejects, on the object as its defaulting webhook would leave it.
    const rejected = rejectInvalidSpec(
      validateTrigger(defaultTrigger(trigger), ControllerValidationFeatures),
      m,
    );
    if (rejected) return rejected;
    // The filter engine's own compile: what the webhook's CESQL parse would reject.
    const invalid = this.filterProblem(trigger);
    if (invalid !== undefined) {
      m.markFalse('Ready', InvalidFilterReason, invalid);
      return warningEvent(InvalidFilterReason, invalid);
    }

    const broker = await this.getBroker(trigger, m);
    if (!broker) return undefined;
    // Another broker implementation's trigger: leave it alone, as Knative does.
    if (broker.metadata.annotations?.[BrokerClassAnnotation] !== MTChannelBasedBrokerClass) {
      return undefined;
    }
    const brokerReady = broker.status?.conditions?.find((c) => c.type === 'Ready');
    if (!brokerReady) {
      m.markUnknown('BrokerReady', 'BrokerNotConfigured', 'Broker has not yet been reconciled.');
    } else {
      m.propagate('BrokerReady', brokerReady, 'BrokerUnknown');
    }
    // Once the broker becomes ready, the tracker re-queues this trigger.
    if (brokerReady?.status !== 'True') return undefined;

    const channel = brokerChannel(broker);
    if (!channel) {
      const message = `Failed to get broker "${broker.metadata.name ?? ''}" annotations: Broker.Status.Annotations nil or missing values`;
      m.markFalse('BrokerReady', 'MissingBrokerChannel', message);
      return warningEvent('MissingBrokerChannel', message);
    }
    const unresolved =
      (await this.resolveSubscriber(trigger, m)) ?? (await this.resolveDls(trigger, broker, m));
    if (unresolved) return unresolved;

    const subscribed = await this.reconcileSubscription(trigger, broker, channel, m);
    if (subscribed) return subscribed;

    const dependency = await checkDependency(trigger, this.options.references, keyOf(trigger));
    if (dependency.status === 'True') m.markTrue('DependencyReady');
    else if (dependency.status === 'False') {
      m.markFalse('DependencyReady', dependency.reason, dependency.message);
    } else m.markUnknown('DependencyReady', dependency.reason, dependency.message);
    return undefined;
  }

  /** Why the trigger's filters cannot be used, or undefined; a validator that throws is a problem too. */
  private filterProblem(trigger: Trigger): string | undefined {
    let filter: ReturnType<FilterValidator>;
    try {
      filter = this.options.validateFilter(trigger.spec);
    } catch (err) {
      // Invalid input must become a condition, never a failed reconcile retried forever.
      return `spec.filters: the filters could not be compiled: ${(err as Error).message}`;
    }
    if (filter.ok) return undefined;
    return filter.errors.map((e) => `spec.${e.path}: ${e.message}`).join('; ');
  }

  /** The trigger's broker, tracked so its appearance or change re-queues the trigger. */
  private async getBroker(trigger: Trigger, m: Manager): Promise<Broker | undefined> {
    const ref: ObjectRef = {
      apiVersion: EventingV1,
      kind: 'Broker',
      namespace: trigger.metadata.namespace ?? '',
      name: trigger.spec.broker,
    };
    this.options.references.track(ref, keyOf(trigger));
    const broker = await this.options.references.get<Broker>(ref);
    if (!broker) {
      m.markFalse(
        'BrokerReady',
        'BrokerDoesNotExist',
        `Broker "${trigger.spec.broker}" does not exist`,
      );
    }
    return broker;
  }

  private async resolveSubscriber(trigger: Trigger, m: Manager): Promise<ReconcileResult> {
    const status = trigger.status ?? {};
    try {
      const address = await this.options.resolver.address(
        trigger.spec.subscriber,
        trigger.metadata.namespace ?? '',
        keyOf(trigger),
      );
      status.subscriberUri = address.url;
      if (address.CACerts) status.subscriberCACerts = address.CACerts;
      else delete status.subscriberCACerts;
      if (address.audience) status.subscriberAudience = address.audience;
      else delete status.subscriberAudience;
      m.markTrue('SubscriberResolved');
      return undefined;
    } catch (err) {
      delete status.subscriberUri;
      delete status.subscriberCACerts;
      delete status.subscriberAudience;
      const message = (err as Error).message;
      m.markFalse('SubscriberResolved', "Unable to get the Subscriber's URI", message);
      return warningEvent('InternalError', `Failed to resolve the subscriber: ${message}`);
    }
  }

  /** The trigger's dead-letter sink, else the one its broker resolved (resolveDeadLetterSink). */
  private async resolveDls(trigger: Trigger, broker: Broker, m: Manager): Promise<ReconcileResult> {
    const status = trigger.status ?? {};
    clearDeadLetterSink(status);
    const own = trigger.spec.delivery?.deadLetterSink;
    if (own) {
      const failure = await resolveDeadLetterSink(this.options.resolver, own, trigger, status);
      if (failure === undefined) {
        m.markTrue('DeadLetterSinkResolved');
        return undefined;
      }
      m.markFalse('DeadLetterSinkResolved', "Unable to get the dead letter sink's URI", failure);
      return warningEvent('InternalError', `Failed to resolve the dead letter sink: ${failure}`);
    }
    if (!broker.spec.delivery?.deadLetterSink) {
      markDeadLetterSinkNotConfigured(m);
      return undefined;
    }
    const inherited = deadLetterSinkOf(broker.status ?? {});
    if (!inherited) {
      const name = broker.metadata.name ?? '';
      m.markFalse(
        'DeadLetterSinkResolved',
        `Broker ${name} didn't set status.deadLetterSinkURI`,
        '',
      );
      return warningEvent('InternalError', `broker ${name} didn't set status.deadLetterSinkURI`);
    }
    setDeadLetterSink(status, inherited);
    m.markTrue('DeadLetterSinkResolved');
    return undefined;
  }

  /**
   * Creates the Subscription, or replaces it when its spec drifted (spec.channel is
   * immutable, so Knative deletes and re-creates), then mirrors its Ready condition.
   */
  private async reconcileSubscription(
    trigger: Trigger,
    broker: Broker,
    channel: ObjectRef,
    m: Manager,
  ): Promise<ReconcileResult> {
    const { client, references, systemNamespace, clusterDomain } = this.options;
    const expected = makeSubscription({
      trigger,
      broker,
      channel,
      subscriberUri: triggerFilterUrl(trigger, systemNamespace, clusterDomain),
    });
    const ref: ObjectRef = {
      apiVersion: expected.apiVersion,
      kind: expected.kind,
      namespace: expected.metadata.namespace,
      name: expected.metadata.name ?? '',
    };
    let sub: Subscription | undefined;
    try {
      sub = await references.get<Subscription>(ref);
      if (sub && !isControlledBy(sub, trigger)) {
        const message = `trigger "${trigger.metadata.name ?? ''}" does not own subscription "${ref.name}"`;
        m.markFalse('SubscriptionReady', 'SubscriptionNotOwnedByTrigger', message);
        return warningEvent('InternalError', message);
      }
      if (sub && !isDerivative(expected.spec, sub.spec)) {
        await client.delete(ref).catch((err: unknown) => {
          // Already gone is what we wanted.
          if (!isNotFound(err)) throw err;
        });
        sub = undefined;
      }
      sub ??= await client.create(expected).catch((err: unknown) => {
        // Our cache lags our own create: read the Subscription we made last time.
        if (isAlreadyExists(err)) return client.get<Subscription>(ref);
        throw err;
      });
    } catch (err) {
      const message = (err as Error).message;
      m.markFalse('SubscriptionReady', 'NotSubscribed', message);
      return warningEvent(
        'InternalError',
        `Unable to subscribe to the broker's channel: ${message}`,
      );
    }
    const ready = sub.status?.conditions?.find((c) => c.type === 'Ready');
    if (!ready) {
      m.markUnknown(
        'SubscriptionReady',
        'SubscriptionNotConfigured',
        'Subscription has not yet been reconciled.',
      );
    } else m.propagate('SubscriptionReady', ready, 'SubscriptionUnknown');
    return undefined;
  }
}

/** The trigger channel a ready broker names in its status annotations (getBrokerChannelRef). */
function brokerChannel(broker: Broker): ObjectRef | undefined {
  const a = broker.status?.annotations ?? {};
  const apiVersion = a[ChannelAnnotations.apiVersion];
  const kind = a[ChannelAnnotations.kind];
  const name = a[ChannelAnnotations.name];
  const namespace = broker.metadata.namespace;
  if (!apiVersion || !kind || !name || !namespace) return undefined;
  return { apiVersion, kind, name, namespace };
}
