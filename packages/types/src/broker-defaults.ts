import { BrokerClassAnnotation, MTChannelBasedBrokerClass, type Broker } from './broker.js';
import type { ChannelTemplateSpec } from './channelable.js';
import { isRecord, nonStringFields, type ConfigResult } from './config-parse.js';
import type { DeliverySpec } from './delivery.js';
import { defaultDelivery, defaultKReference } from './destination-defaults.js';
import type { KReference } from './duck.js';

/** ConfigMap of broker defaults, and its key. */
export const BrokerDefaultsConfigMapName = 'config-br-defaults';
export const BrokerDefaultsConfigKey = 'default-br-config';
/** ConfigMap naming the channel kind of channel-based brokers, and its key. */
export const BrokerChannelConfigMapName = 'config-br-default-channel';
export const BrokerChannelConfigKey = 'channel-template-spec';

/** A broker class with the config reference and delivery its brokers get (ClassAndBrokerConfig). */
export interface BrokerClassConfig {
  brokerClass?: string;
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  delivery?: DeliverySpec;
  /** When true, a Broker's config must live in the Broker's namespace. */
  disallowDifferentNamespaceConfig?: boolean;
}

/** Parsed `default-br-config`. */
export interface BrokerDefaultsConfig {
  clusterDefault?: BrokerClassConfig;
  namespaceDefaults?: Record<string, BrokerClassConfig>;
}

/** What Knative ships in `config-br-defaults`. */
export const ShippedBrokerDefaults: BrokerDefaultsConfig = {
  clusterDefault: {
    brokerClass: MTChannelBasedBrokerClass,
    apiVersion: 'v1',
    kind: 'ConfigMap',
    name: BrokerChannelConfigMapName,
    namespace: 'knative-eventing',
    delivery: { retry: 10, backoffPolicy: 'exponential', backoffDelay: 'PT0.2S' },
  },
};

const STRING_FIELDS = ['brokerClass', 'apiVersion', 'kind', 'name', 'namespace'] as const;

function classConfigErrors(v: unknown, at: string): string[] {
  // An empty namespace entry (`namespace-3:` in YAML) parses as null and means "nothing".
  if (v === null) return [];
  if (!isRecord(v)) return [`${at}: expected an object`];
  const errs = nonStringFields(v, STRING_FIELDS, at);
  if (v.delivery !== undefined && !isRecord(v.delivery))
    errs.push(`${at}.delivery: expected an object`);
  return errs;
}

/** Check the already-parsed YAML of `default-br-config` and type it. */
export function parseBrokerDefaults(parsed: unknown): ConfigResult<BrokerDefaultsConfig> {
  if (!isRecord(parsed)) return { ok: false, errors: ['default-br-config: expected an object'] };
  const errs: string[] = [];
  if (parsed.clusterDefault !== undefined) {
    errs.push(...classConfigErrors(parsed.clusterDefault, 'clusterDefault'));
  }
  const ns = parsed.namespaceDefaults;
  if (ns !== undefined && !isRecord(ns)) errs.push('namespaceDefaults: expected an object');
  if (isRecord(ns)) {
    for (const [k, v] of Object.entries(ns))
      errs.push(...classConfigErrors(v, `namespaceDefaults.${k}`));
  }
  return errs.length > 0 ? { ok: false, errors: errs } : { ok: true, value: parsed };
}

/** Check the already-parsed `channel-template-spec` of `config-br-default-channel`. */
export function parseBrokerChannelTemplate(parsed: unknown): ConfigResult<ChannelTemplateSpec> {
  if (
    !isRecord(parsed) ||
    typeof parsed.apiVersion !== 'string' ||
    typeof parsed.kind !== 'string'
  ) {
    return { ok: false, errors: ['channel-template-spec: expected apiVersion and kind'] };
  }
  return { ok: true, value: parsed as unknown as ChannelTemplateSpec };
}

/** An entry carries a broker config when any reference field or delivery is set (Go's inline pointer). */
function hasBrokerConfig(c: BrokerClassConfig | null | undefined): c is BrokerClassConfig {
  return !!c && (!!c.apiVersion || !!c.kind || !!c.name || !!c.namespace || !!c.delivery);
}

/** The config and delivery for brokers in `namespace` (Defaults.GetBrokerConfig). */
export function brokerConfigFor(
  config: BrokerDefaultsConfig,
  namespace: string,
): BrokerClassConfig | undefined {
  const own = config.namespaceDefaults?.[namespace];
  if (hasBrokerConfig(own)) return own;
  return hasBrokerConfig(config.clusterDefault) ? config.clusterDefault : undefined;
}

/** The default broker class in `namespace` (Defaults.GetBrokerClass), MTChannelBasedBroker last. */
export function brokerClassFor(config: BrokerDefaultsConfig, namespace: string): string {
  return (
    config.namespaceDefaults?.[namespace]?.brokerClass ||
    config.clusterDefault?.brokerClass ||
    MTChannelBasedBrokerClass
  );
}

function toKReference(c: BrokerClassConfig): KReference | undefined {
  if (!c.apiVersion && !c.kind && !c.name && !c.namespace) return undefined;
  const ref: KReference = {
    apiVersion: c.apiVersion ?? '',
    kind: c.kind ?? '',
    name: c.name ?? '',
  };
  if (c.namespace) ref.namespace = c.namespace;
  return ref;
}

/**
 * Default a Broker (broker_defaults.go): class annotation, `spec.config` and — only when
 * `spec.delivery` is absent — delivery (dead-letter sink, retry, backoff; not timeout).
 */
export function defaultBroker(
  b: Broker,
  config: BrokerDefaultsConfig = ShippedBrokerDefaults,
): Broker {
  const out = structuredClone(b);
  const ns = out.metadata.namespace;
  const c = brokerConfigFor(config, ns ?? '');
  if (c) {
    const ref = toKReference(c);
    if (!out.spec.config && ref) out.spec.config = ref;
    if (!out.spec.delivery && c.delivery) {
      const { deadLetterSink, retry, backoffPolicy, backoffDelay } = structuredClone(c.delivery);
      const d = { deadLetterSink, retry, backoffPolicy, backoffDelay };
      out.spec.delivery = Object.fromEntries(
        Object.entries(d).filter(([, v]) => v !== undefined),
      ) as DeliverySpec;
    }
  }
  if (out.spec.config) out.spec.config = defaultKReference(out.spec.config, ns);
  if (out.spec.delivery) out.spec.delivery = defaultDelivery(out.spec.delivery, ns);
  const annotations = out.metadata.annotations ?? {};
  if (!(BrokerClassAnnotation in annotations)) {
    out.metadata.annotations = {
      ...annotations,
      [BrokerClassAnnotation]: brokerClassFor(config, ns ?? ''),
    };
  }
  return out;
}
