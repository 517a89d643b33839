import type { KubeClient, KubeObject } from '@knative-ts/kube';
import {
  isControlledBy,
  keyOf,
  warningEvent,
  type KindReconciler,
  type ReconcileResult,
} from '@knative-ts/reconciler';
import {
  ChannelConditions,
  markDeadLetterSinkNotConfigured,
  markEventPoliciesOidcDisabled,
  SubscribableDuckVersionAnnotation,
  type Channel,
  type ChannelableStatus,
  validateChannel,
  type ChannelTemplateSpec,
} from '@knative-ts/types';
import type { References } from '../../references/references.js';
import { ControllerValidationFeatures, rejectInvalidSpec } from '../invalid-spec.js';
import { defaultChannelTemplate, DefaultChannelConfigMapName } from './channel-defaults-config.js';
import { backingChannelRef, makeBackingChannel } from './resources/make-backing-channel.js';
import { clearDeadLetterSink, deadLetterSinkOf, setDeadLetterSink } from '../dead-letter-sink.js';

export interface ChannelReconcilerOptions {
  client: KubeClient;
  references: References;
  systemNamespace: string;
  now?: () => Date;
}

type Manager = ReturnType<typeof ChannelConditions.manage>;
type BackingChannel = KubeObject & { status?: ChannelableStatus };

/**
 * Reconciles a generic Channel as Knative's channel reconciler does: creates the backing
 * channel of the template's kind (any channel kind), then mirrors its readiness, address,
 * subscriber status and dead-letter sink. Without a defaulting webhook, it first writes the
 * default channelTemplate into the spec, once (the CRD allows setting it once).
 */
export class ChannelReconciler implements KindReconciler<Channel> {
  constructor(private readonly options: ChannelReconcilerOptions) {}

  async reconcileKind(channel: Channel): Promise<ReconcileResult> {
    // The API server keeps no spec for YAML that has none.
    channel.spec ??= {};
    channel.status ??= {};
    const m = ChannelConditions.manage(channel.status, this.options.now ?? (() => new Date()));
    m.initialize();
    const template = channel.spec.channelTemplate;
    if (!template) return this.writeDefaultTemplate(channel);
    // The template is written by now; check what Knative's validating webhook would.
    const invalid = rejectInvalidSpec(validateChannel(channel, ControllerValidationFeatures), m);
    if (invalid) return invalid;

    const ref = backingChannelRef(channel, template);
    this.options.references.track(ref, keyOf(channel));
    let backing: BackingChannel;
    try {
      backing = await this.reconcileBackingChannel(channel, template);
    } catch (err) {
      const message = (err as Error).message;
      m.markFalse('BackingChannelReady', 'ChannelFailure', message);
      return warningEvent('InternalError', `problem reconciling the backing channel: ${message}`);
    }
    channel.status.channel = {
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      name: ref.name,
      namespace: ref.namespace,
    };
    propagate(channel, backing.status ?? {}, m);
    this.propagateDeadLetterSink(channel, backing, m);
    markEventPoliciesOidcDisabled(m);
    return undefined;
  }

  /** Sets spec.channelTemplate from `default-ch-webhook`; the update re-queues the Channel. */
  private async writeDefaultTemplate(channel: Channel): Promise<ReconcileResult> {
    const { references, client, systemNamespace } = this.options;
    const configMap = await references.get({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: systemNamespace,
      name: DefaultChannelConfigMapName,
    });
    const result = defaultChannelTemplate(configMap, channel.metadata.namespace ?? '');
    if (!result.ok) {
      return warningEvent(
        'ChannelDefaultingFailed',
        `Cannot default spec.channelTemplate from ConfigMap ${systemNamespace}/${DefaultChannelConfigMapName}: ${result.error}`,
      );
    }
    const annotations = channel.metadata.annotations ?? {};
    // resourceVersion makes this fail with a conflict (and retry) rather than race a user's edit.
    await client.patch(
      {
        apiVersion: channel.apiVersion,
        kind: channel.kind,
        namespace: channel.metadata.namespace,
        name: channel.metadata.name ?? '',
      },
      {
        metadata: {
          resourceVersion: channel.metadata.resourceVersion,
          ...(SubscribableDuckVersionAnnotation in annotations
            ? {}
            : { annotations: { [SubscribableDuckVersionAnnotation]: 'v1' } }),
        },
        spec: { channelTemplate: result.template },
      },
    );
    return undefined;
  }

  /** The existing backing channel (which must be ours), or a newly created one. */
  private async reconcileBackingChannel(
    channel: Channel,
    template: ChannelTemplateSpec,
  ): Promise<BackingChannel> {
    const { references, client } = this.options;
    const existing = await references.get<BackingChannel>(backingChannelRef(channel, template));
    if (!existing) return client.create(makeBackingChannel(channel, template) as BackingChannel);
    if (!isControlledBy(existing, channel)) {
      throw new Error(
        `${template.kind} ${keyOf(existing)} exists and is not controlled by Channel "${channel.metadata.name ?? ''}"`,
      );
    }
    return existing;
  }

  /** DeadLetterSinkResolved from the backing channel, which resolves the sink itself. */
  private propagateDeadLetterSink(channel: Channel, backing: BackingChannel, m: Manager): void {
    const status = channel.status ?? {};
    clearDeadLetterSink(status);
    if (!channel.spec.delivery?.deadLetterSink) {
      markDeadLetterSinkNotConfigured(m);
      return;
    }
    const mirrored = deadLetterSinkOf(backing.status ?? {});
    if (!mirrored) {
      m.markFalse(
        'DeadLetterSinkResolved',
        `Backing Channel ${backing.metadata.name ?? ''} didn't set status.deadLetterSinkURI`,
        '',
      );
      return;
    }
    setDeadLetterSink(status, mirrored);
    m.markTrue('DeadLetterSinkResolved');
  }
}

/** Knative's ChannelStatus.PropagateStatuses: readiness, address and subscriber status. */
function propagate(channel: Channel, from: ChannelableStatus, m: Manager): void {
  const ready = from.conditions?.find((c) => c.type === 'Ready');
  if (!ready) {
    m.markUnknown(
      'BackingChannelReady',
      'BackingChannelNotConfigured',
      'BackingChannel has not yet been reconciled.',
    );
  } else {
    m.propagate('BackingChannelReady', ready, 'BackingChannelUnknown');
  }
  const status = channel.status ?? {};
  // Assigned field by field: the condition manager holds this status object.
  if (from.address?.url) {
    status.address = structuredClone(from.address);
    m.markTrue('Addressable');
  } else {
    delete status.address;
    m.markFalse('Addressable', 'EmptyHostname', 'hostname is the empty string');
  }
  if (from.addresses) status.addresses = structuredClone(from.addresses);
  else delete status.addresses;
  if (from.subscribers) status.subscribers = structuredClone(from.subscribers);
  else delete status.subscribers;
}
