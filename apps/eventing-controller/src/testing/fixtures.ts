import type { KubeObject } from '@knative-ts/kube';
import type { Broker, Condition, SubscriberSpec } from '@knative-ts/types';
import type { References } from '../references/references.js';
import { DestinationResolver } from '../resolver/destination-resolver.js';

/**
 * Object builders shared by the reconciler table tests, so that a fixture every kind
 * needs (a Broker, the data plane's Services and EndpointSlices, an owner reference) is
 * written once and a change to it reaches every test (Knative's reconciler/testing/v1).
 */

/** The namespace user objects live in, and the system namespace of the data plane. */
export const testNamespace = 'demo';
export const testSystemNamespace = 'knative-eventing';
export const testClusterDomain = 'cluster.local';

/** `type → "status reason"` for compact condition assertions. */
export function summary(conditions: Condition[] | undefined): Record<string, string> {
  return Object.fromEntries(
    (conditions ?? []).map((c) => [c.type, [c.status, c.reason].filter(Boolean).join(' ')]),
  );
}

/** The controller owner reference a reconciler writes on its children. */
export function controllerOwner(apiVersion: string, kind: string, name: string, uid: string) {
  return { apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true };
}

/** The resolver the controller runs with, over the test's references. */
export function testResolver(references: References): DestinationResolver {
  return new DestinationResolver({ references, clusterDomain: testClusterDomain });
}

/** A Service that exists: the controller checks the data plane's Services by name only. */
export function serviceFixture(name: string, namespace = testSystemNamespace): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { namespace, name },
    spec: {},
  } as KubeObject;
}

/**
 * An EndpointSlice of Service `service` with one endpoint; `ready` undefined leaves the
 * endpoint's readiness unset (which Kubernetes reads as ready).
 */
export function endpointSliceFixture(
  service: string,
  ready: boolean | undefined,
  namespace = testSystemNamespace,
): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      namespace,
      name: `${service}-x`,
      labels: { 'kubernetes.io/service-name': service },
    },
    endpoints: [{ addresses: ['192.0.2.1'], conditions: ready === undefined ? {} : { ready } }],
  } as KubeObject;
}

export interface BrokerFixture {
  annotations?: Record<string, string>;
  spec?: Broker['spec'];
  status?: Broker['status'];
  generation?: number;
}

/** The Broker `demo/default` (uid `b-uid`), with only what the test gives beyond that. */
export function brokerFixture(o: BrokerFixture = {}): Broker {
  return {
    apiVersion: 'eventing.knative.dev/v1',
    kind: 'Broker',
    metadata: {
      namespace: testNamespace,
      name: 'default',
      uid: 'b-uid',
      ...(o.generation !== undefined ? { generation: o.generation } : {}),
      ...(o.annotations ? { annotations: o.annotations } : {}),
    },
    spec: o.spec ?? {},
    ...(o.status ? { status: o.status } : {}),
  };
}

/** A KReference to the Broker of brokerFixture, without namespace (a sink's or reference's). */
export const brokerReference = {
  apiVersion: 'eventing.knative.dev/v1',
  kind: 'Broker',
  name: 'default',
};

/** The InMemoryChannel `demo/c` at `generation`, with `subscribers` (none: no spec list). */
export function channelFixture(
  subscribers: SubscriberSpec[] | undefined,
  generation = 1,
): KubeObject & { spec?: { subscribers?: SubscriberSpec[] } } {
  return {
    apiVersion: 'messaging.knative.dev/v1',
    kind: 'InMemoryChannel',
    metadata: { namespace: testNamespace, name: 'c', generation },
    spec: subscribers ? { subscribers } : {},
  };
}
