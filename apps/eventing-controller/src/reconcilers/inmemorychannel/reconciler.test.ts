import type { KubeObject } from '@knative-ts/kube';
import type { InMemoryChannel } from '@knative-ts/types';
import { reconcileOnce, testNow } from '../../testing/reconcile-once.js';
import {
  controllerOwner,
  endpointSliceFixture,
  serviceFixture,
  testResolver,
} from '../../testing/fixtures.js';
import { expectRow, type ReconcilerRow } from '../../testing/table-row.js';
import { InMemoryChannelReconciler } from './reconciler.js';

const ns = 'demo';
const sys = 'knative-eventing';
const imcUid = 'imc-uid';

function imc(overrides: Partial<InMemoryChannel> = {}): InMemoryChannel {
  return {
    apiVersion: 'messaging.knative.dev/v1',
    kind: 'InMemoryChannel',
    metadata: { namespace: ns, name: 'my-imc', uid: imcUid, generation: 1 },
    spec: {},
    ...overrides,
  };
}

const dispatcherService = serviceFixture('imc-dispatcher');
const slice = (ready: boolean | undefined) => endpointSliceFixture('imc-dispatcher', ready);

const owner = controllerOwner('messaging.knative.dev/v1', 'InMemoryChannel', 'my-imc', imcUid);
const channelService = (spec: object, ownerReferences = [owner]): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { namespace: ns, name: 'my-imc-kn-channel', ownerReferences },
  spec,
});
const goodSpec = {
  type: 'ExternalName',
  externalName: 'imc-dispatcher.knative-eventing.svc.cluster.local',
  sessionAffinity: 'None',
};
const healthy = [dispatcherService, slice(true), channelService(goodSpec)];

const url = 'http://my-imc-kn-channel.demo.svc.cluster.local';

/** Condition type → "Status Reason" (reason omitted when empty). */

const allTrue = {
  Addressable: 'True',
  ChannelServiceReady: 'True',
  DeadLetterSinkResolved: 'True DeadLetterSinkNotConfigured',
  EndpointsReady: 'True',
  EventPoliciesReady: 'True OIDCDisabled',
  Ready: 'True',
  ServiceReady: 'True',
};

/** The conditions right after initialize(), before the reconciler marks any. */
const initialized = {
  Addressable: 'Unknown',
  ChannelServiceReady: 'Unknown',
  DeadLetterSinkResolved: 'Unknown',
  EndpointsReady: 'Unknown',
  EventPoliciesReady: 'Unknown',
  Ready: 'Unknown',
  ServiceReady: 'Unknown',
};

const rows: ReconcilerRow[] = [
  {
    name: 'a spec the webhook would reject is Ready=False InvalidSpec naming the fields, and no Service is made',
    objects: [
      imc({ spec: { subscribers: [{ uid: 's-uid' }], delivery: { retry: 1.5 } } }),
      ...healthy.slice(0, 2),
    ],
    wantActions: ['updateStatus InMemoryChannel demo/my-imc'],
    wantEvents: [
      'Warning InvalidSpec expected exactly one, got neither: spec.subscribers[0].replyUri, spec.subscribers[0].subscriberUri\ninvalid value: 1.5: spec.delivery.retry',
    ],
    wantConditions: { ...initialized, Ready: 'False InvalidSpec' },
  },
  {
    name: 'dispatcher Service missing',
    objects: [imc()],
    wantActions: ['updateStatus InMemoryChannel demo/my-imc'],
    wantEvents: [
      'Warning DispatcherServiceFailed Reconciling dispatcher Service failed: services "imc-dispatcher" not found',
    ],
    wantConditions: {
      Addressable: 'Unknown',
      ChannelServiceReady: 'Unknown',
      DeadLetterSinkResolved: 'Unknown',
      EndpointsReady: 'Unknown',
      EventPoliciesReady: 'Unknown',
      Ready: 'False DispatcherServiceDoesNotExist',
      ServiceReady: 'False DispatcherServiceDoesNotExist',
    },
  },
  {
    name: 'no EndpointSlice for the dispatcher',
    objects: [imc(), dispatcherService],
    wantActions: ['updateStatus InMemoryChannel demo/my-imc'],
    wantEvents: ['Warning InternalError endpoints "imc-dispatcher" not found'],
    wantConditions: {
      ...Object.fromEntries(Object.keys(allTrue).map((k) => [k, 'Unknown'])),
      ServiceReady: 'True',
      EndpointsReady: 'False DispatcherEndpointsDoesNotExist',
      Ready: 'False DispatcherEndpointsDoesNotExist',
    },
  },
  {
    name: 'EndpointSlice without a ready endpoint',
    objects: [imc(), dispatcherService, slice(false)],
    wantActions: ['updateStatus InMemoryChannel demo/my-imc'],
    wantEvents: ['Warning InternalError there are no endpoints ready for Dispatcher service'],
    wantConditions: {
      ...Object.fromEntries(Object.keys(allTrue).map((k) => [k, 'Unknown'])),
      ServiceReady: 'True',
      EndpointsReady: 'False DispatcherEndpointsNotReady',
      Ready: 'False DispatcherEndpointsNotReady',
    },
  },
  {
    name: 'creates the channel Service and becomes Ready (ready unset counts as ready)',
    objects: [imc(), dispatcherService, slice(undefined)],
    wantActions: [
      'create Service demo/my-imc-kn-channel',
      'updateStatus InMemoryChannel demo/my-imc',
    ],
    wantConditions: allTrue,
    wantStatus: {
      address: { name: 'http', url },
      addresses: [{ name: 'http', url }],
      observedGeneration: 1,
    },
  },
  {
    name: 'an InMemoryChannel without spec (as in the Knative docs) becomes Ready',
    objects: [{ ...imc(), spec: undefined } as unknown as KubeObject, ...healthy],
    wantActions: ['updateStatus InMemoryChannel demo/my-imc'],
    wantConditions: allTrue,
  },
  {
    name: 'repairs a channel Service whose spec drifted, keeping defaulted fields',
    objects: [
      imc(),
      dispatcherService,
      slice(true),
      channelService({ ...goodSpec, externalName: 'x' }),
    ],
    wantActions: [
      'update Service demo/my-imc-kn-channel',
      'updateStatus InMemoryChannel demo/my-imc',
    ],
    wantConditions: allTrue,
  },
  {
    name: 'refuses a channel Service it does not own',
    objects: [imc(), dispatcherService, slice(true), channelService(goodSpec, [])],
    wantActions: ['updateStatus InMemoryChannel demo/my-imc'],
    wantEvents: [
      'Warning InternalError inmemorychannel: demo/my-imc does not own Service: "my-imc-kn-channel"',
    ],
    wantConditions: {
      ...Object.fromEntries(Object.keys(allTrue).map((k) => [k, 'Unknown'])),
      ServiceReady: 'True',
      EndpointsReady: 'True',
      ChannelServiceReady: 'False ChannelServiceFailed',
      Ready: 'False ChannelServiceFailed',
    },
  },
  {
    name: 'resolves the dead-letter sink and keeps the subscriber status the dispatcher wrote',
    objects: [
      imc({
        spec: {
          delivery: { deadLetterSink: { ref: { apiVersion: 'v1', kind: 'Service', name: 'dls' } } },
        },
        status: { subscribers: [{ uid: 's1', observedGeneration: 2, ready: 'True' }] },
      }),
      ...healthy,
    ],
    wantActions: ['updateStatus InMemoryChannel demo/my-imc'],
    wantConditions: { ...allTrue, DeadLetterSinkResolved: 'True' },
    wantStatus: {
      deadLetterSinkUri: 'http://dls.demo.svc.cluster.local',
      subscribers: [{ uid: 's1', observedGeneration: 2, ready: 'True' }],
    },
  },
  {
    name: 'an unresolvable dead-letter sink fails DeadLetterSinkResolved',
    objects: [
      imc({
        spec: {
          delivery: {
            deadLetterSink: {
              ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'example-sink' },
            },
          },
        },
      }),
      ...healthy,
    ],
    wantActions: ['updateStatus InMemoryChannel demo/my-imc'],
    wantEvents: [
      'Warning InternalError Failed to resolve Dead Letter Sink URI: failed to get object demo/example-sink: services.serving.knative.dev "example-sink" not found',
    ],
    wantConditions: {
      ...allTrue,
      DeadLetterSinkResolved: "False Unable to get the DeadLetterSink's URI",
      EventPoliciesReady: 'Unknown',
      Ready: "False Unable to get the DeadLetterSink's URI",
    },
  },
];

function reconciler(
  deps: Parameters<Parameters<typeof reconcileOnce<InMemoryChannel>>[0]['reconciler']>[0],
) {
  const { client, references } = deps;
  const resolver = testResolver(references);
  return new InMemoryChannelReconciler({
    client,
    references,
    resolver,
    systemNamespace: sys,
    clusterDomain: 'cluster.local',
    now: () => testNow,
  });
}

const run = (objects: KubeObject[]) =>
  reconcileOnce<InMemoryChannel>({
    objects,
    apiVersion: 'messaging.knative.dev/v1',
    kind: 'InMemoryChannel',
    key: 'demo/my-imc',
    reconciler,
  });

describe('InMemoryChannelReconciler', () => {
  it.each(rows)('$name', async (row) => {
    expectRow(await run(row.objects), row, imcRef);
  });

  it('creates the Service the builder describes', async () => {
    const { bodies } = await run([imc(), dispatcherService, slice(true)]);
    expect(bodies[0]).toMatchObject({
      metadata: { name: 'my-imc-kn-channel', ownerReferences: [owner] },
      spec: {
        type: 'ExternalName',
        externalName: 'imc-dispatcher.knative-eventing.svc.cluster.local',
      },
    });
  });

  it('writes nothing once everything is in place (idempotent)', async () => {
    const first = await run([imc(), ...healthy]);
    const settled = first.client.peek<InMemoryChannel>(imcRef);
    const second = await run([settled as InMemoryChannel, ...healthy]);
    expect(second.actions).toEqual([]);
    expect(second.events).toEqual([]);
  });
});

const imcRef = {
  apiVersion: 'messaging.knative.dev/v1',
  kind: 'InMemoryChannel',
  namespace: ns,
  name: 'my-imc',
};
