import { isConflict, type KubeClient } from '@knative-ts/kube';
import { warningEvent, type KindReconciler, type ReconcileResult } from '@knative-ts/reconciler';
import {
  defaultParallel,
  markEventPoliciesOidcDisabled,
  MessagingV1,
  parallelBranchName,
  ParallelConditions,
  parallelIngressChannelName,
  validateParallel,
  type ChannelTemplateSpec,
  type FlowChannelStatus,
  type Parallel,
  type Subscription,
} from '@knative-ts/types';
import type { References } from '../../references/references.js';
import { writeDefaultChannelTemplate } from '../flows/channel-template.js';
import { FlowChildren } from '../flows/flow-children.js';
import { objectReference, subscriptionStatus, type FlowChannel } from '../flows/flow-status.js';
import { ControllerValidationFeatures, rejectInvalidSpec } from '../invalid-spec.js';
import { makeBranchSubscription, makeFilterSubscription } from './resources/make-subscriptions.js';

export interface ParallelReconcilerOptions {
  client: KubeClient;
  references: References;
  systemNamespace: string;
  now?: () => Date;
}

type Manager = ReturnType<typeof ParallelConditions.manage>;

/** Knative's reasons (pkg/apis/flows/v1/parallel_lifecycle.go). */
export const ParallelReasons = {
  ChannelsNotReady: 'ChannelsNotReady',
  SubscriptionsNotReady: 'SubscriptionsNotReady',
  NotAddressable: 'NotAddressable',
  EmptyAddress: 'emptyAddress',
} as const;

interface BranchSubs {
  filter: Subscription;
  subscriber: Subscription;
}

/**
 * Reconciles a Parallel as Knative's parallel reconciler does: an ingress channel
 * `<p>-kn-parallel`, per branch a channel `<p>-kn-parallel-<i>`, a filter Subscription on
 * the ingress channel replying into the branch channel and a subscriber Subscription on the
 * branch channel; the Parallel is addressable at the ingress channel. Children of removed
 * branches are deleted; the rest goes with the Parallel through garbage collection.
 */
export class ParallelReconciler implements KindReconciler<Parallel> {
  private readonly children: FlowChildren;

  constructor(private readonly options: ParallelReconcilerOptions) {
    this.children = new FlowChildren(options);
  }

  async reconcileKind(p: Parallel): Promise<ReconcileResult> {
    p.spec ??= { branches: [] };
    p.status ??= {};
    const m = ParallelConditions.manage(p.status, this.options.now ?? (() => new Date()));
    m.initialize();
    const template = p.spec.channelTemplate;
    if (!template) return writeDefaultChannelTemplate(p, this.options);
    // The template is written by now; check what Knative's validating webhook would.
    const invalid = rejectInvalidSpec(
      validateParallel(defaultParallel(p), ControllerValidationFeatures),
      m,
    );
    if (invalid) return invalid;
    const name = p.metadata.name ?? '';
    const branches = p.spec.branches ?? [];

    const names = [
      parallelIngressChannelName(name),
      ...branches.map((_b, i) => parallelBranchName(name, i)),
    ];
    const channels: FlowChannel[] = [];
    for (const channelName of names) {
      try {
        channels.push(await this.children.channel(p, template, channelName));
      } catch (err) {
        const message = `failed to reconcile channel ${channelName}: ${(err as Error).message}`;
        m.markFalse('ChannelsReady', ParallelReasons.ChannelsNotReady, message);
        return failure(err, message);
      }
    }
    const [ingress, ...branchChannels] = channels;
    if (ingress) propagateChannels(p, ingress, branchChannels, m);

    const subs: BranchSubs[] = [];
    for (let i = 0; i < branches.length; i++) {
      try {
        const filter = await this.children.subscription(p, makeFilterSubscription(p, template, i));
        const subscriber = await this.children.subscription(
          p,
          makeBranchSubscription(p, template, i),
        );
        subs.push({ filter, subscriber });
      } catch (err) {
        const message = `failed to reconcile Subscription Objects for branch: ${i} : ${(err as Error).message}`;
        m.markFalse('SubscriptionsReady', ParallelReasons.SubscriptionsNotReady, message);
        return failure(err, message);
      }
    }
    propagateSubscriptions(p, subs, m);
    // Authorization needs OIDC, which is off: nothing to enforce, as Knative marks it.
    markEventPoliciesOidcDisabled(m);
    await this.prune(p, template, channels, subs);
    return undefined;
  }

  /** Deletes the channels and Subscriptions of branches that no longer exist. */
  private async prune(
    p: Parallel,
    template: ChannelTemplateSpec,
    channels: FlowChannel[],
    subs: BranchSubs[],
  ): Promise<void> {
    const channelNames = new Set(channels.map((c) => c.metadata.name ?? ''));
    const subNames = new Set(
      subs.flatMap((s) => [s.filter.metadata.name ?? '', s.subscriber.metadata.name ?? '']),
    );
    await this.children.prune(p, template, channelNames);
    await this.children.prune(p, { apiVersion: MessagingV1, kind: 'Subscription' }, subNames);
  }
}

/** A conflict is retried quietly; anything else becomes a Warning Event. */
function failure(err: unknown, message: string): ReconcileResult {
  if (isConflict(err)) throw err;
  return warningEvent('InternalError', message, err);
}

/** Knative judges a Parallel's channels by their address alone, not their Ready condition. */
function addressableStatus(channel: FlowChannel): FlowChannelStatus {
  const ready = channel.status?.address?.url
    ? { type: 'Ready', status: 'True' as const }
    : {
        type: 'Ready',
        status: 'False' as const,
        reason: ParallelReasons.NotAddressable,
        message: 'Channel is not addressable',
      };
  return { channel: objectReference(channel), ready };
}

/** Knative's ParallelStatus.PropagateChannelStatuses. */
function propagateChannels(
  p: Parallel,
  ingress: FlowChannel,
  branchChannels: FlowChannel[],
  m: Manager,
): void {
  const status = p.status ?? {};
  status.ingressChannelStatus = addressableStatus(ingress);
  const branchStatuses = branchChannels.map((c, i) => ({
    ...status.branchStatuses?.[i],
    filterChannelStatus: addressableStatus(c),
  }));
  status.branchStatuses = branchStatuses;
  const address = ingress.status?.address;
  if (address?.url) {
    status.address = structuredClone(address);
    m.markTrue('Addressable');
  } else {
    delete status.address;
    m.markFalse('Addressable', ParallelReasons.EmptyAddress, 'addressable is nil');
  }
  const all = [status.ingressChannelStatus, ...branchStatuses.map((b) => b.filterChannelStatus)];
  if (all.every((s) => s.ready.status === 'True')) m.markTrue('ChannelsReady');
  else {
    m.markFalse(
      'ChannelsReady',
      ParallelReasons.ChannelsNotReady,
      'Channels are not ready yet, or there are none',
    );
  }
}

/** Knative's ParallelStatus.PropagateSubscriptionStatuses. */
function propagateSubscriptions(p: Parallel, subs: BranchSubs[], m: Manager): void {
  const status = p.status ?? {};
  status.branchStatuses = subs.map((s, i) => ({
    ...status.branchStatuses?.[i],
    filterSubscriptionStatus: subscriptionStatus(s.filter),
    subscriberSubscriptionStatus: subscriptionStatus(s.subscriber),
  }));
  const ready =
    subs.length > 0 &&
    status.branchStatuses.every(
      (b) =>
        b.filterSubscriptionStatus?.ready.status === 'True' &&
        b.subscriberSubscriptionStatus?.ready.status === 'True',
    );
  if (ready) m.markTrue('SubscriptionsReady');
  else {
    m.markFalse(
      'SubscriptionsReady',
      ParallelReasons.SubscriptionsNotReady,
      'Subscriptions are not ready yet, or there are none',
    );
  }
}
