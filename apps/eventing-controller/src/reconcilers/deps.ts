import type { KubeClient, KubeObject } from '@knative-ts/kube';
import { Tracker, type Controller, type Logger } from '@knative-ts/reconciler';
import type { DynamicInformers } from '../references/dynamic-informers.js';
import { trackingReferences } from '../references/dynamic-informers.js';
import type { References } from '../references/references.js';
import { DestinationResolver } from '../resolver/destination-resolver.js';

/** What every controller of this app is built from. */
export interface ControllerDeps {
  client: KubeClient;
  informers: DynamicInformers;
  systemNamespace: string;
  clusterDomain: string;
  logger: Logger;
  /** The API server URL, the `source` of ApiServerSource events (rest.Config.Host). */
  apiServerHost?: string;
  /** Image of the per-ApiServerSource adapter Deployments (APISERVER_RA_IMAGE). */
  apiServerAdapterImage?: string;
}

/** Source component of this app's Kubernetes Events. */
export const Component = 'eventing-controller';

/** Knative's tracker lease: three times the 10 h informer resync period. */
const trackerLeaseMs = 3 * 10 * 60 * 60 * 1000;

/**
 * A Tracker feeding `controller()`'s queue, References and a DestinationResolver bound to
 * it. `controller` is a thunk because the Controller is built after its dependencies.
 */
export function trackedDependencies<T extends KubeObject>(
  deps: ControllerDeps,
  controller: () => Controller<T>,
): { references: References; resolver: DestinationResolver } {
  const tracker = new Tracker({
    enqueue: (key) => controller().enqueueKey(key),
    leaseMs: trackerLeaseMs,
  });
  const references = trackingReferences(deps.informers, tracker);
  return {
    references,
    resolver: new DestinationResolver({ references, clusterDomain: deps.clusterDomain }),
  };
}
