import { isConflict, type KubeClient } from '@knative-ts/kube';
import { warningEvent, type KindReconciler, type ReconcileResult } from '@knative-ts/reconciler';
import {
  defaultSequence,
  markEventPoliciesOidcDisabled,
  MessagingV1,
  sequenceChannelName,
  SequenceConditions,
  validateSequence,
  type ChannelTemplateSpec,
  type Sequence,
  type Subscription,
} from '@knative-ts/types';
import type { References } from '../../references/references.js';
import { writeDefaultChannelTemplate } from '../flows/channel-template.js';
import { FlowChildren } from '../flows/flow-children.js';
import {
  allReady,
  channelStatus,
  subscriptionStatus,
  type FlowChannel,
} from '../flows/flow-status.js';
import { ControllerValidationFeatures, rejectInvalidSpec } from '../invalid-spec.js';
import { makeSequenceSubscription } from './resources/make-subscription.js';

export interface SequenceReconcilerOptions {
  client: KubeClient;
  references: References;
  systemNamespace: string;
  now?: () => Date;
}

type Manager = ReturnType<typeof SequenceConditions.manage>;

/** Knative's reasons (pkg/apis/flows/v1/sequence_lifecycle.go). */
export const SequenceReasons = {
  ChannelsNotReady: 'ChannelsNotReady',
  SubscriptionsNotReady: 'SubscriptionsNotReady',
  EmptyAddress: 'emptyAddress',
} as const;

/**
 * Reconciles a Sequence as Knative's sequence reconciler does: one channel per step
 * (`<seq>-kn-sequence-<i>`), one Subscription per step from channel i to step i replying
 * to channel i+1 (the last to `spec.reply`), the Sequence addressable at channel 0, and
 * the children of removed steps deleted. Children are owned, so deletion is the GC's job.
 */
export class SequenceReconciler implements KindReconciler<Sequence> {
  private readonly children: FlowChildren;

  constructor(private readonly options: SequenceReconcilerOptions) {
    this.children = new FlowChildren(options);
  }

  async reconcileKind(seq: Sequence): Promise<ReconcileResult> {
    seq.spec ??= { steps: [] };
    seq.status ??= {};
    const m = SequenceConditions.manage(seq.status, this.options.now ?? (() => new Date()));
    m.initialize();
    const template = seq.spec.channelTemplate;
    if (!template) return writeDefaultChannelTemplate(seq, this.options);
    // The template is written by now; check what Knative's validating webhook would.
    const invalid = rejectInvalidSpec(
      validateSequence(defaultSequence(seq), ControllerValidationFeatures),
      m,
    );
    if (invalid) return invalid;

    const channels: FlowChannel[] = [];
    const steps = seq.spec.steps ?? [];
    for (let i = 0; i < steps.length; i++) {
      const name = sequenceChannelName(seq.metadata.name ?? '', i);
      try {
        channels.push(await this.children.channel(seq, template, name));
      } catch (err) {
        const message = `failed to reconcile channel ${name} at step ${i}: ${(err as Error).message}`;
        m.markUnknown('ChannelsReady', SequenceReasons.ChannelsNotReady, message);
        return failure(err, message);
      }
    }
    propagateChannels(seq, channels, m);

    const subs: Subscription[] = [];
    for (let i = 0; i < steps.length; i++) {
      try {
        subs.push(
          await this.children.subscription(seq, makeSequenceSubscription(seq, template, i)),
        );
      } catch (err) {
        const message = `failed to reconcile subscription resource for step: ${i} : ${(err as Error).message}`;
        m.markUnknown('SubscriptionsReady', SequenceReasons.SubscriptionsNotReady, message);
        return failure(err, message);
      }
    }
    propagateSubscriptions(seq, subs, m);
    // Authorization needs OIDC, which is off: nothing to enforce, as Knative marks it.
    markEventPoliciesOidcDisabled(m);
    await this.prune(seq, template, channels, subs);
    return undefined;
  }

  /** Deletes the channels and Subscriptions of steps that no longer exist. */
  private async prune(
    seq: Sequence,
    template: ChannelTemplateSpec,
    channels: FlowChannel[],
    subs: Subscription[],
  ): Promise<void> {
    const names = (list: Array<{ metadata: { name?: string } }>) =>
      new Set(list.map((o) => o.metadata.name ?? ''));
    await this.children.prune(seq, template, names(channels));
    await this.children.prune(seq, { apiVersion: MessagingV1, kind: 'Subscription' }, names(subs));
  }
}

/** A conflict is retried quietly; anything else becomes a Warning Event. */
function failure(err: unknown, message: string): ReconcileResult {
  if (isConflict(err)) throw err;
  return warningEvent('InternalError', message, err);
}

/** Knative's SequenceStatus.PropagateChannelStatuses: statuses, ChannelsReady, address of channel 0. */
function propagateChannels(seq: Sequence, channels: FlowChannel[], m: Manager): void {
  const status = seq.status ?? {};
  status.channelStatuses = channels.map(channelStatus);
  const first = channels[0];
  if (first) {
    const url = first.status?.address?.url;
    if (url) {
      const audience = first.status?.address?.audience;
      status.address = audience ? { url, audience } : { url };
      m.markTrue('Addressable');
    } else {
      delete status.address;
      m.markUnknown('Addressable', SequenceReasons.EmptyAddress, 'addressable is nil');
    }
  }
  if (allReady(status.channelStatuses)) m.markTrue('ChannelsReady');
  else {
    m.markUnknown(
      'ChannelsReady',
      SequenceReasons.ChannelsNotReady,
      'Channels are not ready yet, or there are none',
    );
  }
}

/** Knative's SequenceStatus.PropagateSubscriptionStatuses. */
function propagateSubscriptions(seq: Sequence, subs: Subscription[], m: Manager): void {
  const status = seq.status ?? {};
  status.subscriptionStatuses = subs.map(subscriptionStatus);
  if (allReady(status.subscriptionStatuses)) m.markTrue('SubscriptionsReady');
  else {
    m.markUnknown(
      'SubscriptionsReady',
      SequenceReasons.SubscriptionsNotReady,
      'Subscriptions are not ready yet, or there are none',
    );
  }
}
