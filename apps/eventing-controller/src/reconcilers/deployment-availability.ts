import type { KubeObject } from '@knative-ts/kube';

/** An apps/v1 Deployment, reduced to what the source reconcilers read and write. */
export interface Deployment extends KubeObject {
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
    template?: {
      metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
      spec?: Record<string, unknown>;
    };
    [field: string]: unknown;
  };
  status?: {
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
    [field: string]: unknown;
  };
}

/** What a Deployment's Available condition says, as Knative's PropagateDeploymentAvailability reads it. */
export type Availability =
  { status: 'True' } | { status: 'False' | 'Unknown'; reason: string; message: string };

/** Knative's reading: the Available condition, else Unknown `DeploymentUnavailable`. */
export function deploymentAvailability(d: Deployment): Availability {
  const cond = d.status?.conditions?.find((c) => c.type === 'Available');
  if (cond?.status === 'True') return { status: 'True' };
  if (cond?.status === 'False' || cond?.status === 'Unknown') {
    return { status: cond.status, reason: cond.reason ?? '', message: cond.message ?? '' };
  }
  return {
    status: 'Unknown',
    reason: 'DeploymentUnavailable',
    message: `The Deployment '${d.metadata.name ?? ''}' is unavailable.`,
  };
}

/** Marks `type` from a Deployment's availability on any condition manager. */
export function propagateAvailability<T extends string>(
  m: {
    markTrue(type: T): void;
    markFalse(type: T, reason: string, message?: string): void;
    markUnknown(type: T, reason: string, message?: string): void;
  },
  type: T,
  d: Deployment,
): void {
  const a = deploymentAvailability(d);
  if (a.status === 'True') m.markTrue(type);
  else if (a.status === 'False') m.markFalse(type, a.reason, a.message);
  else m.markUnknown(type, a.reason, a.message);
}
