import type { KubeObject } from '@knative-ts/kube';
import { controllerOwner } from '../../testing/fixtures.js';

/** Test helpers shared by the Sequence and Parallel table tests. */

export const imcTemplate = { apiVersion: 'messaging.knative.dev/v1', kind: 'InMemoryChannel' };

/** A flow's conditions right after initialize(), before the reconciler marks any. */
export const flowInitialized = {
  Addressable: 'Unknown',
  ChannelsReady: 'Unknown',
  EventPoliciesReady: 'Unknown',
  Ready: 'Unknown',
  SubscriptionsReady: 'Unknown',
};

/** A controller owner reference to the flow `kind`/`name` with uid `<name>-uid`. */
export function ownedBy(kind: string, name: string) {
  return controllerOwner('flows.knative.dev/v1', kind, name, `${name}-uid`);
}

/** An InMemoryChannel `name` in `demo`, owned as given, Ready with its address when `ready`. */
export function imc(name: string, owner: object, ready: boolean): KubeObject {
  const url = `http://${name}-kn-channel.demo.svc.cluster.local`;
  return {
    ...imcTemplate,
    metadata: { namespace: 'demo', name, ownerReferences: [owner] as never },
    spec: {},
    ...(ready
      ? {
          status: {
            conditions: [{ type: 'Ready', status: 'True' }],
            address: { name: 'http', url },
          },
        }
      : {}),
  } as KubeObject;
}

/** A Subscription `name` in `demo` with `spec`, owned as given, Ready when `ready`. */
export function sub(name: string, owner: object, spec: object, ready: boolean): KubeObject {
  return {
    apiVersion: 'messaging.knative.dev/v1',
    kind: 'Subscription',
    metadata: { namespace: 'demo', name, ownerReferences: [owner] as never },
    spec,
    ...(ready ? { status: { conditions: [{ type: 'Ready', status: 'True' }] } } : {}),
  } as KubeObject;
}
