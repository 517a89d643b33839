import {
  isNotFound,
  jsonEqual,
  refOf,
  type KubeClient,
  type KubeObject,
  type ObjectRef,
  type ResourceRef,
} from '@knative-ts/kube';
import { isControlledBy, keyOf } from '@knative-ts/reconciler';
import type { ChannelTemplateSpec, Subscription } from '@knative-ts/types';
import type { References } from '../../references/references.js';
import type { FlowChannel } from './flow-status.js';
import { flowChannelRef, makeFlowChannel } from './make-flow-channel.js';

/** A child the flow needs exists and belongs to someone else; the flow will not take it over. */
export class ChildConflictError extends Error {
  override readonly name = 'ChildConflictError';
  readonly code = 'EVENTING_ERR_CHILD_NOT_OWNED';
}

export interface FlowChildrenOptions {
  client: KubeClient;
  references: References;
}

/**
 * Creates, repairs and prunes the channels and Subscriptions a Sequence or Parallel
 * controls, as Knative's flow reconcilers do: channels are created once (their spec is the
 * template's), Subscriptions are updated in place, or re-created when their immutable
 * `spec.channel` must change, and children no longer wanted are deleted.
 */
export class FlowChildren {
  constructor(private readonly options: FlowChildrenOptions) {}

  /** The channel `name` of the template's kind, created when missing; changes re-queue `owner`. */
  async channel(
    owner: KubeObject,
    template: ChannelTemplateSpec,
    name: string,
  ): Promise<FlowChannel> {
    const { client, references } = this.options;
    const ref = flowChannelRef(owner, template, name);
    references.track(ref, keyOf(owner));
    const existing = await references.get<FlowChannel>(ref);
    if (!existing) return client.create(makeFlowChannel(owner, template, name) as FlowChannel);
    this.checkControlled(existing, owner);
    return existing;
  }

  /** The Subscription `expected` names, made to match it. */
  async subscription(owner: KubeObject, expected: Subscription): Promise<Subscription> {
    const { client, references } = this.options;
    const existing = await references.get<Subscription>(refOf(expected));
    if (!existing) return client.create(expected);
    this.checkControlled(existing, owner);
    // Being deleted (its finalizer runs first): its removal re-queues the owner, which
    // then creates it afresh.
    if (existing.metadata.deletionTimestamp) return existing;
    if (!jsonEqual(existing.spec.channel, expected.spec.channel)) {
      // spec.channel is immutable: delete now, re-create once it is gone.
      await client.delete(refOf(existing));
      return existing;
    }
    if (jsonEqual(existing.spec, expected.spec)) return existing;
    return client.update({ ...existing, spec: expected.spec });
  }

  /**
   * Deletes the objects of `type` in the owner's namespace that the owner controls and that
   * are not in `wanted`: the channels and Subscriptions of removed steps or branches.
   */
  async prune(owner: KubeObject, type: ResourceRef, wanted: ReadonlySet<string>): Promise<void> {
    const { client, references } = this.options;
    const items = await references.list({ ...type, namespace: owner.metadata.namespace ?? '' });
    for (const item of items) {
      const name = item.metadata.name ?? '';
      if (item.metadata.deletionTimestamp || !isControlledBy(item, owner) || wanted.has(name)) {
        continue;
      }
      try {
        await client.delete(refOf(item));
      } catch (err) {
        // Already gone (the garbage collector or a user was faster): nothing left to do.
        if (!isNotFound(err)) throw err;
      }
    }
  }

  private checkControlled(existing: KubeObject, owner: KubeObject): void {
    if (isControlledBy(existing, owner)) return;
    const ref: ObjectRef = refOf(existing);
    throw new ChildConflictError(
      `${ref.kind} ${keyOf(existing)} exists and is not controlled by ${owner.kind} "${owner.metadata.name ?? ''}"`,
    );
  }
}
