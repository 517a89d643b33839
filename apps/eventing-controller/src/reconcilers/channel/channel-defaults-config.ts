import type { KubeObject } from '@knative-ts/kube';
import {
  channelTemplateFor,
  DefaultChannelConfigKey,
  DefaultChannelConfigMapName,
  parseChannelDefaults,
  ShippedChannelDefaults,
  type ChannelTemplateSpec,
} from '@knative-ts/types';
import { CORE_SCHEMA, load } from 'js-yaml';

export { DefaultChannelConfigMapName };

/** The default template, or why the ConfigMap cannot give one. */
export type DefaultTemplate =
  { ok: true; template: ChannelTemplateSpec } | { ok: false; error: string };

/**
 * The channel template `default-ch-webhook` gives `namespace`: its namespace default, else
 * the cluster default; what Knative ships (InMemoryChannel) when the ConfigMap or key is
 * absent. A malformed ConfigMap is an error rather than a silent fallback, so an operator
 * who asked for KafkaChannel never gets in-memory channels by accident.
 */
export function defaultChannelTemplate(
  configMap: KubeObject | undefined,
  namespace: string,
): DefaultTemplate {
  const raw = (configMap as { data?: Record<string, string> } | undefined)?.data?.[
    DefaultChannelConfigKey
  ];
  if (raw === undefined) return fromConfig(ShippedChannelDefaults, namespace);
  let parsed: unknown;
  try {
    parsed = load(raw, { schema: CORE_SCHEMA });
  } catch (err) {
    return {
      ok: false,
      error: `${DefaultChannelConfigKey} is not valid YAML: ${(err as Error).message}`,
    };
  }
  const result = parseChannelDefaults(parsed ?? {});
  if (!result.ok) {
    return {
      ok: false,
      error: `${DefaultChannelConfigKey} is invalid: ${result.errors.join('; ')}`,
    };
  }
  return fromConfig(result.value, namespace);
}

function fromConfig(
  config: Parameters<typeof channelTemplateFor>[0],
  namespace: string,
): DefaultTemplate {
  const template =
    channelTemplateFor(config, namespace) ?? channelTemplateFor(ShippedChannelDefaults, namespace);
  return template ? { ok: true, template } : { ok: false, error: 'no channel template configured' };
}
