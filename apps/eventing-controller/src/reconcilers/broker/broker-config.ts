import type { KubeObject } from '@knative-ts/kube';
import {
  BrokerChannelConfigKey,
  BrokerDefaultsConfigKey,
  parseBrokerChannelTemplate,
  parseBrokerDefaults,
  ShippedBrokerDefaults,
  type BrokerDefaultsConfig,
  type ChannelTemplateSpec,
} from '@knative-ts/types';
import { CORE_SCHEMA, load } from 'js-yaml';

/** A parsed config value, or why the ConfigMap cannot give one. */
export type ConfigOutcome<T> = { ok: true; value: T } | { ok: false; error: string };

type ConfigMap = KubeObject & { data?: Record<string, string> };

/** YAML of `key` in the ConfigMap, parsed; undefined when the ConfigMap or key is absent. */
function readYaml(configMap: KubeObject | undefined, key: string): ConfigOutcome<unknown> {
  const raw = (configMap as ConfigMap | undefined)?.data?.[key];
  if (raw === undefined) return { ok: true, value: undefined };
  try {
    return { ok: true, value: load(raw, { schema: CORE_SCHEMA }) };
  } catch (err) {
    return { ok: false, error: `${key} is not valid YAML: ${(err as Error).message}` };
  }
}

/**
 * `config-br-defaults` as Knative reads it; what Knative ships when the ConfigMap or its
 * key is absent, with the shipped channel ConfigMap living in `systemNamespace` (Knative
 * hard-codes knative-eventing there, we run in whatever namespace we are given).
 */
export function brokerDefaults(
  configMap: KubeObject | undefined,
  systemNamespace: string,
): ConfigOutcome<BrokerDefaultsConfig> {
  const yaml = readYaml(configMap, BrokerDefaultsConfigKey);
  if (!yaml.ok) return yaml;
  if (yaml.value === undefined || yaml.value === null) {
    const shipped = structuredClone(ShippedBrokerDefaults);
    if (shipped.clusterDefault) shipped.clusterDefault.namespace = systemNamespace;
    return { ok: true, value: shipped };
  }
  const result = parseBrokerDefaults(yaml.value);
  if (!result.ok) {
    return {
      ok: false,
      error: `${BrokerDefaultsConfigKey} is invalid: ${result.errors.join('; ')}`,
    };
  }
  return { ok: true, value: result.value };
}

/**
 * The channel template of a broker config ConfigMap (key `channel-template-spec`). Unlike
 * the broker defaults there is no fallback: a broker pointing at a ConfigMap without a
 * template is misconfigured, as in Knative ("failed to find channelTemplate").
 */
export function channelTemplateOf(configMap: KubeObject): ConfigOutcome<ChannelTemplateSpec> {
  const yaml = readYaml(configMap, BrokerChannelConfigKey);
  if (!yaml.ok) return yaml;
  if (yaml.value === undefined || yaml.value === null) {
    return { ok: false, error: 'failed to find channelTemplate' };
  }
  const result = parseBrokerChannelTemplate(yaml.value);
  return result.ok
    ? { ok: true, value: result.value }
    : { ok: false, error: result.errors.join('; ') };
}
