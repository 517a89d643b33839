import { type KubeClient, refOf } from '@knative-ts/kube';
import { warningEvent, type ReconcileResult } from '@knative-ts/reconciler';
import type { ChannelTemplateSpec, KnativeObject } from '@knative-ts/types';
import type { References } from '../../references/references.js';
import {
  defaultChannelTemplate,
  DefaultChannelConfigMapName,
} from '../channel/channel-defaults-config.js';

/** A flow (Sequence, Parallel): anything whose spec carries an optional channelTemplate. */
export type FlowObject = KnativeObject<{ channelTemplate?: ChannelTemplateSpec }>;

export interface DefaultTemplateDeps {
  client: KubeClient;
  references: References;
  systemNamespace: string;
}

/**
 * Writes spec.channelTemplate from `default-ch-webhook`, as Knative's defaulting webhook
 * would at admission (we have no webhook). The spec update re-queues the flow, which is
 * then reconciled with its template, so the caller stops here. A malformed ConfigMap is
 * reported, never guessed around (same rules as the Channel reconciler).
 */
export async function writeDefaultChannelTemplate(
  flow: FlowObject,
  deps: DefaultTemplateDeps,
): Promise<ReconcileResult> {
  const { client, references, systemNamespace } = deps;
  const configMap = await references.get({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace: systemNamespace,
    name: DefaultChannelConfigMapName,
  });
  const result = defaultChannelTemplate(configMap, flow.metadata.namespace ?? '');
  if (!result.ok) {
    return warningEvent(
      'ChannelDefaultingFailed',
      `Cannot default spec.channelTemplate from ConfigMap ${systemNamespace}/${DefaultChannelConfigMapName}: ${result.error}`,
    );
  }
  // resourceVersion turns a race with a user's edit into a conflict (and a retry).
  await client.patch(refOf(flow), {
    metadata: { resourceVersion: flow.metadata.resourceVersion },
    spec: { channelTemplate: result.template },
  });
  return undefined;
}
