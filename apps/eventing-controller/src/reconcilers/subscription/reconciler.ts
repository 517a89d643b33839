import { isConflict, isNotFound, type KubeClient } from '@knative-ts/kube';
import {
  keyOf,
  normalEvent,
  warningEvent,
  type KindReconciler,
  type ReconcileResult,
} from '@knative-ts/reconciler';
import {
  defaultSubscription,
  markOidcIdentityDisabled,
  SubscriptionConditions,
  validateSubscription,
  type Subscription,
  type SubscriptionStatusPhysicalSubscription as Physical,
} from '@knative-ts/types';
import type { References } from '../../references/references.js';
import { ControllerValidationFeatures, rejectInvalidSpec } from '../invalid-spec.js';
import {
  isEmptyDestination,
  type DestinationResolver,
} from '../../resolver/destination-resolver.js';
import { channelOf, ChannelLookupError, type Channelable } from './channel-lookup.js';
import { SubscriberWriter } from './subscriber-writer.js';
import { makeSubscriberSpec } from './resources/make-subscriber-spec.js';

export interface SubscriptionReconcilerOptions {
  client: KubeClient;
  references: References;
  resolver: DestinationResolver;
  now?: () => Date;
}

type Manager = ReturnType<typeof SubscriptionConditions.manage>;

/** Knative's event reasons (pkg/reconciler/subscription/subscription.go). */
export const Reasons = {
  ChannelReferenceFailed: 'ChannelReferenceFailed',
  SubscriberResolveFailed: 'SubscriberResolveFailed',
  ReplyResolveFailed: 'ReplyResolveFailed',
  DeadLetterSinkResolveFailed: 'DeadLetterSinkResolveFailed',
  PhysicalChannelSyncFailed: 'PhysicalChannelSyncFailed',
  SubscriptionNotMarkedReadyByChannel: 'SubscriptionNotMarkedReadyByChannel',
} as const;

/**
 * Reconciles a Subscription as Knative does: finds the (backing) channel, resolves
 * subscriber, reply and dead-letter sink into `status.physicalSubscription`, writes itself
 * into the channel's `spec.subscribers`, and reports ChannelReady from the subscriber
 * status the channel's dispatcher writes. The finalizer removes the entry again.
 */
export class SubscriptionReconciler implements KindReconciler<Subscription> {
  private readonly subscribers: SubscriberWriter;

  constructor(private readonly options: SubscriptionReconcilerOptions) {
    this.subscribers = new SubscriberWriter(options.client);
  }

  async reconcileKind(sub: Subscription): Promise<ReconcileResult> {
    sub.status ??= {};
    const m = SubscriptionConditions.manage(sub.status, this.options.now ?? (() => new Date()));
    m.initialize();
    markOidcIdentityDisabled(m);
    // What Knative's webhook rejects, on the object as its defaulting webhook would leave it.
    const invalid = rejectInvalidSpec(
      validateSubscription(defaultSubscription(sub), ControllerValidationFeatures),
      m,
    );
    if (invalid) return invalid;
    let channel: Channelable;
    try {
      channel = await channelOf(sub, this.options.references, keyOf(sub));
    } catch (err) {
      if (!(err instanceof ChannelLookupError)) throw err;
      const message = `Failed to get Spec.Channel or backing channel: ${err.message}`;
      m.markUnknown('ReferencesResolved', Reasons.ChannelReferenceFailed, message);
      return warningEvent(Reasons.ChannelReferenceFailed, message);
    }
    const unresolved = await this.resolveUris(sub, channel, m);
    if (unresolved) return unresolved;

    const synced = await this.syncChannel(sub, channel, m);
    if (synced) return synced;
    return this.checkChannelStatus(sub, channel, m);
  }

  async finalizeKind(sub: Subscription): Promise<ReconcileResult> {
    let channel: Channelable;
    try {
      channel = await channelOf(sub, this.options.references, keyOf(sub));
    } catch (err) {
      // A deleted channel has no entry left to remove.
      if (err instanceof ChannelLookupError && err.notFound) return undefined;
      throw err;
    }
    const added = sub.status?.conditions?.some(
      (c) => c.type === 'AddedToChannel' && c.status === 'True',
    );
    if (!added) return undefined;
    let removed: boolean;
    try {
      removed = await this.subscribers.write(channel, {
        uid: sub.metadata.uid ?? '',
      });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
    if (!removed) return undefined;
    return normalEvent(
      'SubscriberRemoved',
      `Subscription was removed from channel "${channel.metadata.name ?? ''}"`,
    );
  }

  /** Fills status.physicalSubscription; a failure marks ReferencesResolved False. */
  private async resolveUris(
    sub: Subscription,
    channel: Channelable,
    m: Manager,
  ): Promise<ReconcileResult> {
    m.markUnknown('ReferencesResolved', 'Resolving', 'Subscription resolution interrupted.');
    const physical: Physical = {};
    const namespace = sub.metadata.namespace ?? '';
    const owner = keyOf(sub);
    const { resolver } = this.options;
    const steps = [
      {
        dest: sub.spec.subscriber,
        field: 'spec.subscriber',
        reason: Reasons.SubscriberResolveFailed,
        prefix: 'subscriber',
      },
      {
        dest: sub.spec.reply,
        field: 'spec.reply',
        reason: Reasons.ReplyResolveFailed,
        prefix: 'reply',
      },
      {
        dest: sub.spec.delivery?.deadLetterSink,
        field: 'spec.delivery.deadLetterSink',
        reason: Reasons.DeadLetterSinkResolveFailed,
        prefix: 'deadLetterSink',
      },
    ] as const;
    for (const { dest, field, reason, prefix } of steps) {
      if (isEmptyDestination(dest) || !dest) continue;
      try {
        const address = await resolver.address(dest, namespace, owner);
        physical[`${prefix}Uri`] = address.url;
        if (address.CACerts) physical[`${prefix}CACerts`] = address.CACerts;
        if (address.audience) physical[`${prefix}Audience`] = address.audience;
      } catch (err) {
        const message = `Failed to resolve ${field}: ${(err as Error).message}`;
        m.markFalse('ReferencesResolved', reason, message);
        return warningEvent(reason, message);
      }
    }
    if (
      isEmptyDestination(sub.spec.delivery?.deadLetterSink) &&
      channel.spec?.delivery?.deadLetterSink
    ) {
      // Without its own sink, a Subscription inherits the one its channel resolved.
      const uri = channel.status?.deadLetterSinkUri;
      if (!uri) {
        const message = `Failed to resolve spec.delivery.deadLetterSink: channel ${channel.metadata.name ?? ''} didn't set status.deadLetterSinkURI`;
        m.markFalse('ReferencesResolved', Reasons.DeadLetterSinkResolveFailed, message);
        return warningEvent(Reasons.DeadLetterSinkResolveFailed, message);
      }
      physical.deadLetterSinkUri = uri;
    }
    (sub.status ?? {}).physicalSubscription = physical;
    m.markTrue('ReferencesResolved');
    return undefined;
  }

  /** Writes this subscription into the channel's spec.subscribers when it differs. */
  private async syncChannel(
    sub: Subscription,
    channel: Channelable,
    m: Manager,
  ): Promise<ReconcileResult> {
    let written: boolean;
    try {
      written = await this.subscribers.write(channel, {
        uid: sub.metadata.uid ?? '',
        entryFor: (ch) => makeSubscriberSpec(sub, ch.spec ?? {}),
      });
    } catch (err) {
      // A concurrent writer of the list: retry from fresh data, no alarm.
      if (isConflict(err)) throw err;
      const message = (err as Error).message;
      m.markFalse(
        'AddedToChannel',
        Reasons.PhysicalChannelSyncFailed,
        `Failed to sync physical Channel: ${message}`,
      );
      return warningEvent(
        Reasons.PhysicalChannelSyncFailed,
        `Failed to synchronize to channel "${channel.metadata.name ?? ''}": ${message}`,
      );
    }
    m.markTrue('AddedToChannel');
    if (!written) return undefined;
    return normalEvent(
      'SubscriberSync',
      `Subscription was synchronized to channel "${channel.metadata.name ?? ''}"`,
    );
  }

  /** ChannelReady from the channel's status.subscribers entry for this generation. */
  private checkChannelStatus(sub: Subscription, channel: Channelable, m: Manager): ReconcileResult {
    const status = channel.status?.subscribers?.find(
      (s) => s.uid === sub.metadata.uid && s.observedGeneration === sub.metadata.generation,
    );
    const reason = Reasons.SubscriptionNotMarkedReadyByChannel;
    if (!status) {
      const error = `subscription "${sub.metadata.name ?? ''}" not present in channel "${channel.metadata.name ?? ''}" subscriber's list`;
      m.markUnknown('ChannelReady', reason, `Failed to get subscription status: ${error}`);
      return warningEvent(reason, error);
    }
    if (status.ready === 'True') m.markTrue('ChannelReady');
    else if (status.ready === 'False')
      m.markFalse('ChannelReady', reason, 'Subscription marked by Channel as False');
    else m.markUnknown('ChannelReady', reason, 'Subscription marked by Channel as Unknown');
    return undefined;
  }
}
