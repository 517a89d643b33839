import type { APIVersionKind, ApiServerSource, ApiServerSourceMode } from './api-server-source.js';
import { guessResource } from './api-server-source-events.js';
import { labelSelectorString } from './label-selector.js';
import type { SubscriptionsAPIFilter } from './trigger.js';

/** Environment contract between the ApiServerSource reconciler and its adapter. */
export const AdapterEnv = {
  Sink: 'K_SINK',
  CACerts: 'K_CA_CERTS',
  CeOverrides: 'K_CE_OVERRIDES',
  SourceConfig: 'K_SOURCE_CONFIG',
  Namespace: 'NAMESPACE',
  Name: 'NAME',
} as const;

/** One watched resource (Knative's `apiserver.ResourceWatch`, plus apiVersion/kind). */
export interface ResourceWatch {
  /** As Knative writes it: apimachinery GroupVersionResource's JSON (no tags). */
  gvr: { Group: string; Version: string; Resource: string };
  selector?: string;
  /** Ours: the kind as written in the source, so the adapter resolves it through discovery. */
  apiVersion: string;
  kind: string;
}

/** `K_SOURCE_CONFIG` (Knative's `apiserver.Config`). */
export interface ApiServerAdapterConfig {
  namespaces: string[];
  allNamespaces?: boolean;
  resources: ResourceWatch[];
  owner?: APIVersionKind;
  mode: ApiServerSourceMode;
  filters?: SubscriptionsAPIFilter[];
}

/** The adapter config of a defaulted source watching `namespaces` (or all of them). */
export function makeApiServerAdapterConfig(
  source: ApiServerSource,
  namespaces: string[],
  allNamespaces: boolean,
): ApiServerAdapterConfig {
  const cfg: ApiServerAdapterConfig = {
    namespaces,
    resources: source.spec.resources.map((r) => {
      const slash = r.apiVersion.indexOf('/');
      const group = slash < 0 ? '' : r.apiVersion.slice(0, slash);
      const version = slash < 0 ? r.apiVersion : r.apiVersion.slice(slash + 1);
      const watch: ResourceWatch = {
        gvr: { Group: group, Version: version, Resource: guessResource(r.kind) },
        apiVersion: r.apiVersion,
        kind: r.kind,
      };
      const selector = labelSelectorString(r.selector);
      if (selector) watch.selector = selector;
      return watch;
    }),
    mode: source.spec.mode ?? 'Reference',
  };
  if (allNamespaces) cfg.allNamespaces = true;
  if (source.spec.owner) cfg.owner = source.spec.owner;
  if (source.spec.filters?.length) cfg.filters = source.spec.filters;
  return cfg;
}

/** Reads `K_SOURCE_CONFIG`; throws an Error naming what is wrong. */
export function parseApiServerAdapterConfig(json: string): ApiServerAdapterConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new Error(`${AdapterEnv.SourceConfig} is not JSON: ${(err as Error).message}`);
  }
  const cfg = raw as Partial<ApiServerAdapterConfig> | null;
  if (typeof cfg !== 'object' || cfg === null) {
    throw new Error(`${AdapterEnv.SourceConfig} must be a JSON object`);
  }
  if (cfg.mode !== 'Reference' && cfg.mode !== 'Resource') {
    throw new Error(`${AdapterEnv.SourceConfig}.mode must be Reference or Resource`);
  }
  if (!Array.isArray(cfg.resources) || cfg.resources.length === 0) {
    throw new Error(`${AdapterEnv.SourceConfig}.resources must list at least one resource`);
  }
  for (const [i, r] of cfg.resources.entries()) {
    if (!r?.apiVersion || !r.kind) {
      throw new Error(`${AdapterEnv.SourceConfig}.resources[${i}] needs apiVersion and kind`);
    }
  }
  if (!cfg.allNamespaces && (!Array.isArray(cfg.namespaces) || cfg.namespaces.length === 0)) {
    throw new Error(`${AdapterEnv.SourceConfig}.namespaces must list a namespace`);
  }
  return { ...cfg, namespaces: cfg.namespaces ?? [] } as ApiServerAdapterConfig;
}
