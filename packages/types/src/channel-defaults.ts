import { SubscribableDuckVersionAnnotation, type Channel } from './channel.js';
import type { ChannelTemplateSpec } from './channelable.js';
import { isRecord, nonStringFields, type ConfigResult } from './config-parse.js';
import { defaultDelivery } from './destination-defaults.js';
import type { InMemoryChannel } from './in-memory-channel.js';

/** ConfigMap holding the default channel kind, and its key. */
export const DefaultChannelConfigMapName = 'default-ch-webhook';
export const DefaultChannelConfigKey = 'default-ch-config';

/** Parsed `default-ch-config`: a cluster-wide template and per-namespace overrides. */
export interface ChannelDefaultsConfig {
  clusterDefault?: ChannelTemplateSpec;
  namespaceDefaults?: Record<string, ChannelTemplateSpec>;
}

/** What Knative ships: InMemoryChannel everywhere. */
export const ShippedChannelDefaults: ChannelDefaultsConfig = {
  clusterDefault: { apiVersion: 'messaging.knative.dev/v1', kind: 'InMemoryChannel' },
};

function templateErrors(v: unknown, at: string): string[] {
  if (!isRecord(v)) return [`${at}: expected an object`];
  const errs = nonStringFields(v, ['apiVersion', 'kind'], at);
  if (!v.apiVersion) errs.push(`${at}.apiVersion: required`);
  if (!v.kind) errs.push(`${at}.kind: required`);
  if (v.spec !== undefined && !isRecord(v.spec)) errs.push(`${at}.spec: expected an object`);
  return errs;
}

/** Check the already-parsed YAML of `default-ch-config` and type it. */
export function parseChannelDefaults(parsed: unknown): ConfigResult<ChannelDefaultsConfig> {
  if (!isRecord(parsed)) return { ok: false, errors: ['default-ch-config: expected an object'] };
  const errs: string[] = [];
  if (parsed.clusterDefault !== undefined) {
    errs.push(...templateErrors(parsed.clusterDefault, 'clusterDefault'));
  }
  const ns = parsed.namespaceDefaults;
  if (ns !== undefined && !isRecord(ns)) errs.push('namespaceDefaults: expected an object');
  if (isRecord(ns)) {
    for (const [k, v] of Object.entries(ns))
      errs.push(...templateErrors(v, `namespaceDefaults.${k}`));
  }
  return errs.length > 0 ? { ok: false, errors: errs } : { ok: true, value: parsed };
}

/** The channel template for `namespace`: its own default, else the cluster's (GetChannelConfig). */
export function channelTemplateFor(
  config: ChannelDefaultsConfig,
  namespace: string,
): ChannelTemplateSpec | undefined {
  const t = config.namespaceDefaults?.[namespace] ?? config.clusterDefault;
  return t ? structuredClone(t) : undefined;
}

/** Add `messaging.knative.dev/subscribable: v1` unless present, as every channel defaulter does. */
export function withSubscribableAnnotation<T extends { metadata: Channel['metadata'] }>(obj: T): T {
  const annotations = obj.metadata.annotations ?? {};
  if (SubscribableDuckVersionAnnotation in annotations) return obj;
  return {
    ...obj,
    metadata: {
      ...obj.metadata,
      annotations: { ...annotations, [SubscribableDuckVersionAnnotation]: 'v1' },
    },
  };
}

/** Default an InMemoryChannel: subscribable annotation and delivery. */
export function defaultInMemoryChannel(imc: InMemoryChannel): InMemoryChannel {
  const out = withSubscribableAnnotation(structuredClone(imc));
  if (out.spec.delivery)
    out.spec.delivery = defaultDelivery(out.spec.delivery, out.metadata.namespace);
  return out;
}
