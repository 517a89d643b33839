import type { KubeClient, KubeObject } from '@knative-ts/kube';
import {
  isControlledBy,
  keyOf,
  warningEvent,
  type KindReconciler,
  type ReconcileResult,
} from '@knative-ts/reconciler';
import {
  brokerAddressUrl,
  BrokerChannelAddressStatusAnnotation,
  BrokerClassAnnotation,
  BrokerConditions,
  BrokerDefaultsConfigMapName,
  defaultBroker,
  markDeadLetterSinkNotConfigured,
  markEventPoliciesOidcDisabled,
  MTChannelBasedBrokerClass,
  SystemService,
  type Addressable,
  type Broker,
  type ChannelableStatus,
  validateBroker,
  type ChannelTemplateSpec,
} from '@knative-ts/types';
import type { References } from '../../references/references.js';
import type { DestinationResolver } from '../../resolver/destination-resolver.js';
import { isDerivative } from '../semantic.js';
import { serviceEndpoints } from '../service-endpoints.js';
import { brokerDefaults, channelTemplateOf } from './broker-config.js';
import { makeTriggerChannel, triggerChannelRef } from './resources/make-trigger-channel.js';
import { clearDeadLetterSink, resolveDeadLetterSink } from '../dead-letter-sink.js';
import { ControllerValidationFeatures, rejectInvalidSpec } from '../invalid-spec.js';

export interface BrokerReconcilerOptions {
  client: KubeClient;
  references: References;
  resolver: DestinationResolver;
  systemNamespace: string;
  clusterDomain: string;
  now?: () => Date;
}

type Manager = ReturnType<typeof BrokerConditions.manage>;
type Channelable = KubeObject & { spec?: Record<string, unknown>; status?: ChannelableStatus };

/**
 * Status annotations naming the trigger channel, which Triggers subscribe to (Knative's
 * BrokerChannel*StatusAnnotationKey); the address one is what broker-ingress forwards to.
 */
export const ChannelAnnotations = {
  address: BrokerChannelAddressStatusAnnotation,
  apiVersion: 'knative.dev/channelAPIVersion',
  kind: 'knative.dev/channelKind',
  name: 'knative.dev/channelName',
} as const;

/** Why a broker's channel template cannot be had; becomes TriggerChannelReady=False. */
class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/**
 * Reconciles an MTChannelBasedBroker as Knative's mt-broker controller does: creates the
 * trigger channel of the kind its config names, checks the shared broker-ingress and
 * broker-filter Services, sets the address and resolves the dead-letter sink. Without a
 * defaulting webhook it first writes the class annotation, `spec.config` and `spec.delivery`
 * defaults into the object, once (the CRD allows setting `spec.config` once).
 */
export class BrokerReconciler implements KindReconciler<Broker> {
  constructor(private readonly options: BrokerReconcilerOptions) {}

  async reconcileKind(broker: Broker): Promise<ReconcileResult> {
    broker.spec ??= {};
    const cls = broker.metadata.annotations?.[BrokerClassAnnotation];
    // Another broker implementation's object: leave it alone, as Knative's class filter does.
    if (cls !== undefined && cls !== MTChannelBasedBrokerClass) return undefined;
    const defaulted = await this.writeDefaults(broker);
    if (defaulted !== false) return defaulted;

    broker.status ??= {};
    const m = BrokerConditions.manage(broker.status, this.options.now ?? (() => new Date()));
    m.initialize();
    // The defaults are written by now; check what Knative's validating webhook would.
    const invalid = rejectInvalidSpec(validateBroker(broker, ControllerValidationFeatures), m);
    if (invalid) return invalid;

    let template: ChannelTemplateSpec;
    try {
      template = await this.channelTemplate(broker);
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      const message = `Error on setting up the ChannelTemplate: ${err.message}`;
      m.markFalse('TriggerChannelReady', 'ChannelTemplateFailed', message);
      return warningEvent('ChannelTemplateFailed', message);
    }
    const channelProblem = await this.reconcileTriggerChannel(broker, template, m);
    if (channelProblem !== false) return channelProblem;

    const ingressProblem = await this.checkDataPlane(
      SystemService.BrokerIngress,
      'IngressReady',
      m,
    );
    const filterProblem = await this.checkDataPlane(SystemService.BrokerFilter, 'FilterReady', m);
    this.setAddress(broker, m);
    const dlsProblem = await this.resolveDeadLetterSink(broker, m);
    markEventPoliciesOidcDisabled(m);
    return ingressProblem ?? filterProblem ?? dlsProblem;
  }

  /**
   * Writes what Knative's webhook would default (broker_defaults.go): the class
   * annotation, and `spec.config` / `spec.delivery` only where absent (a present config
   * is immutable, even to add its namespace). Returns false when nothing needed writing;
   * otherwise the update re-queues the Broker.
   */
  private async writeDefaults(broker: Broker): Promise<ReconcileResult | false> {
    const { references, client, systemNamespace } = this.options;
    const configMapRef = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: systemNamespace,
      name: BrokerDefaultsConfigMapName,
    };
    const hasClass = broker.metadata.annotations?.[BrokerClassAnnotation] !== undefined;
    if (hasClass && broker.spec.config && broker.spec.delivery) return false;
    // A defaults change must reach brokers still waiting for a config.
    references.track(configMapRef, keyOf(broker));
    const config = brokerDefaults(await references.get(configMapRef), systemNamespace);
    if (!config.ok) {
      return warningEvent(
        'BrokerDefaultingFailed',
        `Cannot default the Broker from ConfigMap ${systemNamespace}/${BrokerDefaultsConfigMapName}: ${config.error}`,
      );
    }
    const wanted = defaultBroker(broker, config.value);
    const patch: { metadata?: object; spec?: Record<string, unknown> } = {};
    if (!hasClass) {
      const cls = wanted.metadata.annotations?.[BrokerClassAnnotation] ?? MTChannelBasedBrokerClass;
      patch.metadata = { annotations: { [BrokerClassAnnotation]: cls } };
    }
    if (!broker.spec.config && wanted.spec.config) patch.spec = { config: wanted.spec.config };
    if (!broker.spec.delivery && wanted.spec.delivery) {
      patch.spec = { ...patch.spec, delivery: wanted.spec.delivery };
    }
    if (!patch.metadata && !patch.spec) return false;
    // resourceVersion makes this fail with a conflict (and retry) rather than race a user's edit.
    patch.metadata = { ...patch.metadata, resourceVersion: broker.metadata.resourceVersion };
    await client.patch(
      {
        apiVersion: broker.apiVersion,
        kind: broker.kind,
        namespace: broker.metadata.namespace,
        name: broker.metadata.name ?? '',
      },
      patch,
    );
    return undefined;
  }

  /** The channel template from the ConfigMap `spec.config` names (getChannelTemplate). */
  private async channelTemplate(broker: Broker): Promise<ChannelTemplateSpec> {
    const config = broker.spec.config;
    if (!config) throw new TemplateError('failed to find channelTemplate');
    if (config.kind !== 'ConfigMap' || config.apiVersion !== 'v1') {
      throw new TemplateError(
        'Broker.Spec.Config configuration not supported, only [kind: ConfigMap, apiVersion: v1]',
      );
    }
    const ref = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      // A config without namespace points into the broker's own (KReference defaults).
      namespace: config.namespace || (broker.metadata.namespace ?? ''),
      name: config.name,
    };
    // The trigger channel's kind follows this ConfigMap, so its changes re-queue the broker.
    this.options.references.track(ref, keyOf(broker));
    const configMap = await this.options.references.get(ref);
    if (!configMap) throw new TemplateError(`configmaps "${ref.name}" not found`);
    const template = channelTemplateOf(configMap);
    if (!template.ok)
      throw new TemplateError(`ConfigMap ${ref.namespace}/${ref.name}: ${template.error}`);
    return template.value;
  }

  /**
   * Creates the trigger channel or repairs its delivery; publishes its address in the
   * status annotations and mirrors its readiness. Returns false when the broker can go on.
   */
  private async reconcileTriggerChannel(
    broker: Broker,
    template: ChannelTemplateSpec,
    m: Manager,
  ): Promise<ReconcileResult | false> {
    const { client, references } = this.options;
    const ref = triggerChannelRef(broker, template);
    references.track(ref, keyOf(broker));
    const expected = makeTriggerChannel(broker, template) as Channelable;
    let channel: Channelable;
    try {
      const existing = await references.get<Channelable>(ref);
      if (!existing) channel = await client.create(expected);
      else if (!isControlledBy(existing, broker)) {
        throw new Error(
          `${ref.kind} ${keyOf(existing)} exists and is not controlled by Broker "${broker.metadata.name ?? ''}"`,
        );
      } else {
        channel = existing;
        const delivery = expected.spec?.['delivery'];
        if (!isDerivative(delivery, existing.spec?.['delivery'])) {
          // A Broker's delivery is mutable; its channel follows it.
          channel = await client.patch(ref, { spec: { delivery: delivery ?? null } });
        }
      }
    } catch (err) {
      const message = (err as Error).message;
      m.markFalse('TriggerChannelReady', 'ChannelFailure', message);
      return warningEvent('InternalError', `Failed to reconcile trigger channel: ${message}`);
    }
    const url = channel.status?.address?.url;
    if (!url) {
      // The channel's status change re-queues the broker through the tracker.
      m.markFalse('TriggerChannelReady', 'NoAddress', 'Channel does not have an address.');
      return undefined;
    }
    (broker.status ?? {}).annotations = {
      ...broker.status?.annotations,
      [ChannelAnnotations.address]: url,
      [ChannelAnnotations.apiVersion]: ref.apiVersion,
      [ChannelAnnotations.kind]: ref.kind,
      [ChannelAnnotations.name]: ref.name,
    };
    const ready = channel.status?.conditions?.find((c) => c.type === 'Ready');
    m.propagate('TriggerChannelReady', ready, 'ChannelNotReady', 'trigger Channel is not ready');
    return false;
  }

  /** IngressReady / FilterReady from the shared Service and its EndpointSlices. */
  private async checkDataPlane(
    name: string,
    type: 'IngressReady' | 'FilterReady',
    m: Manager,
  ): Promise<ReconcileResult> {
    const state = await serviceEndpoints(
      this.options.references,
      this.options.systemNamespace,
      name,
    );
    if (state === 'ready') {
      m.markTrue(type);
      return undefined;
    }
    if (state === 'unavailable') {
      m.markFalse(type, 'EndpointSlicesUnavailable', 'EndpointSlices are unavailable.');
      return undefined;
    }
    const message = `services "${name}" not found`;
    m.markFalse(type, 'ServiceFailure', message);
    return warningEvent('InternalError', `Problem getting the ${name} Service: ${message}`);
  }

  private setAddress(broker: Broker, m: Manager): void {
    const { systemNamespace, clusterDomain } = this.options;
    const url = brokerAddressUrl({
      namespace: broker.metadata.namespace ?? '',
      name: broker.metadata.name ?? '',
      systemNamespace,
      clusterDomain,
    });
    const address: Addressable = { name: 'http', url };
    // In place: the condition manager holds this status object.
    Object.assign(broker.status ?? {}, { address, addresses: [address] });
    m.markTrue('Addressable');
  }

  private async resolveDeadLetterSink(broker: Broker, m: Manager): Promise<ReconcileResult> {
    const status = broker.status ?? {};
    clearDeadLetterSink(status);
    const dls = broker.spec.delivery?.deadLetterSink;
    if (!dls) {
      markDeadLetterSinkNotConfigured(m);
      return undefined;
    }
    const failure = await resolveDeadLetterSink(this.options.resolver, dls, broker, status);
    if (failure === undefined) {
      m.markTrue('DeadLetterSinkResolved');
      return undefined;
    }
    m.markFalse('DeadLetterSinkResolved', "Unable to get the DeadLetterSink's URI", failure);
    return warningEvent('InternalError', `Failed to resolve Dead Letter Sink URI: ${failure}`);
  }
}
