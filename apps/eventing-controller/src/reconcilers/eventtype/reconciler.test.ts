import type { KubeObject } from '@knative-ts/kube';
import type { EventTypeV1beta3 } from '@knative-ts/types';
import { reconcileOnce, testNow } from '../../testing/reconcile-once.js';
import { brokerFixture, brokerReference, summary } from '../../testing/fixtures.js';
import { EventTypeReconciler } from './reconciler.js';

const broker = brokerFixture();
const reference = brokerReference;
function eventType(spec: Partial<EventTypeV1beta3['spec']> = {}): EventTypeV1beta3 {
  return {
    apiVersion: 'eventing.knative.dev/v1beta3',
    kind: 'EventType',
    metadata: { namespace: 'demo', name: 'et', uid: 'et-uid', generation: 1 },
    spec: { attributes: [{ name: 'type', required: true, value: 'dev.example.a' }], ...spec },
  };
}

const rows = [
  {
    name: 'an existing reference makes it Ready',
    objects: [eventType({ reference }), broker],
    want: { ReferenceExists: 'True', Ready: 'True' },
    tracked: ['Broker.eventing.knative.dev demo/default <- demo/et'],
  },
  {
    name: 'a missing reference is ResourceDoesNotExist',
    objects: [eventType({ reference })],
    want: { ReferenceExists: 'False ResourceDoesNotExist', Ready: 'False ResourceDoesNotExist' },
    tracked: ['Broker.eventing.knative.dev demo/default <- demo/et'],
  },
  {
    name: 'no reference is Ready with ReferenceNotSet',
    objects: [eventType()],
    want: { ReferenceExists: 'True ReferenceNotSet', Ready: 'True' },
    tracked: [],
  },
  {
    name: 'a reference into another namespace is looked up there',
    objects: [eventType({ reference: { ...reference, namespace: 'other' } }), broker],
    want: { ReferenceExists: 'False ResourceDoesNotExist', Ready: 'False ResourceDoesNotExist' },
    tracked: ['Broker.eventing.knative.dev other/default <- demo/et'],
  },
  {
    name: 'v1beta2 fields stored without conversion are read too',
    objects: [
      {
        ...eventType(),
        spec: { type: 'dev.example.a', reference },
      } as unknown as KubeObject,
      broker,
    ],
    want: { ReferenceExists: 'True', Ready: 'True' },
    tracked: ['Broker.eventing.knative.dev demo/default <- demo/et'],
  },
];

describe('EventTypeReconciler', () => {
  it.each(rows)('$name', async (row) => {
    const { actions, events, client, tracked } = await reconcileOnce<EventTypeV1beta3>({
      objects: row.objects,
      apiVersion: 'eventing.knative.dev/v1beta3',
      kind: 'EventType',
      key: 'demo/et',
      reconciler: ({ references }) => new EventTypeReconciler({ references, now: () => testNow }),
    });
    expect(actions).toEqual(['updateStatus EventType demo/et']);
    expect(events).toEqual([]);
    expect(tracked).toEqual(row.tracked);
    const et = client.peek<EventTypeV1beta3>({
      apiVersion: 'eventing.knative.dev/v1beta3',
      kind: 'EventType',
      namespace: 'demo',
      name: 'et',
    });
    expect(summary(et?.status?.conditions)).toEqual(row.want);
    expect(et?.status?.observedGeneration).toBe(1);
  });
});
