import type { KubeObject } from '@knative-ts/kube';
import type { Broker } from '@knative-ts/types';
import { reconcileOnce, testNow } from '../../testing/reconcile-once.js';
import {
  brokerFixture,
  controllerOwner,
  endpointSliceFixture,
  serviceFixture,
  testResolver,
} from '../../testing/fixtures.js';
import { expectRow, type ReconcilerRow } from '../../testing/table-row.js';
import { BrokerReconciler } from './reconciler.js';

const sys = 'knative-eventing';
const mt = { 'eventing.knative.dev/broker.class': 'MTChannelBasedBroker' };
const channelConfig = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  name: 'config-br-default-channel',
  namespace: sys,
};
const imc = { apiVersion: 'messaging.knative.dev/v1', kind: 'InMemoryChannel' };
const delivery = { retry: 10, backoffPolicy: 'exponential' as const, backoffDelay: 'PT0.2S' };
const brokerUrl = `http://broker-ingress.${sys}.svc.cluster.local/demo/default`;
const channelUrl = 'http://default-kne-trigger-kn-channel.demo.svc.cluster.local';

function broker(
  annotations: Record<string, string> = mt,
  spec: Broker['spec'] = { config: channelConfig, delivery },
): Broker {
  return brokerFixture({ generation: 1, annotations, spec });
}
const configMap = (name: string, data: Record<string, string>, namespace = sys): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace, name }, data }) as KubeObject;
const channelTemplate = configMap('config-br-default-channel', {
  'channel-template-spec': 'apiVersion: messaging.knative.dev/v1\nkind: InMemoryChannel',
});
const dataPlane = [
  serviceFixture('broker-ingress'),
  endpointSliceFixture('broker-ingress', true),
  serviceFixture('broker-filter'),
  endpointSliceFixture('broker-filter', true),
];
const owner = controllerOwner('eventing.knative.dev/v1', 'Broker', 'default', 'b-uid');
function triggerChannel(
  status: object,
  spec: object = { delivery },
  ownerReferences = [owner],
): KubeObject {
  return {
    ...imc,
    metadata: { namespace: 'demo', name: 'default-kne-trigger', ownerReferences },
    spec,
    status,
  } as KubeObject;
}
/** A dead-letter sink that is valid but names a Knative Service that does not exist. */
const missingSink = {
  ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'gone', namespace: 'demo' },
};
const readyChannel = {
  conditions: [{ type: 'Ready', status: 'True' }],
  address: { name: 'http', url: channelUrl },
};

const allTrue = {
  Addressable: 'True',
  DeadLetterSinkResolved: 'True DeadLetterSinkNotConfigured',
  EventPoliciesReady: 'True OIDCDisabled',
  FilterReady: 'True',
  IngressReady: 'True',
  Ready: 'True',
  TriggerChannelReady: 'True',
};

const rows: ReconcilerRow[] = [
  {
    name: 'defaults class, config and delivery from what Knative ships when there is no config-br-defaults',
    objects: [broker({}, {})],
    // The status write (observedGeneration) after the patch conflicts and is retried.
    wantActions: ['patch Broker demo/default', 'updateStatus Broker demo/default'],
    wantBody: { metadata: { annotations: mt }, spec: { config: channelConfig, delivery } },
  },
  {
    name: 'a namespace default of config-br-defaults wins, and a set delivery is kept',
    objects: [
      broker({}, { delivery: { retry: 1 } }),
      configMap('config-br-defaults', {
        'default-br-config': `clusterDefault:\n  brokerClass: MTChannelBasedBroker\n  apiVersion: v1\n  kind: ConfigMap\n  name: config-br-default-channel\n  namespace: ${sys}\nnamespaceDefaults:\n  demo:\n    brokerClass: MTChannelBasedBroker\n    apiVersion: v1\n    kind: ConfigMap\n    name: kafka-channel\n    namespace: ${sys}\n    delivery:\n      retry: 3`,
      }),
    ],
    wantActions: ['patch Broker demo/default', 'updateStatus Broker demo/default'],
    wantBody: {
      metadata: { annotations: mt },
      spec: { config: { ...channelConfig, name: 'kafka-channel' } },
    },
  },
  {
    name: 'a malformed config-br-defaults is reported',
    objects: [
      broker({}, {}),
      configMap('config-br-defaults', { 'default-br-config': 'clusterDefault: [' }),
    ],
    wantActions: ['updateStatus Broker demo/default'],
    wantEvents: [
      expect.stringMatching(
        /^Warning BrokerDefaultingFailed Cannot default the Broker from ConfigMap knative-eventing\/config-br-defaults: default-br-config is not valid YAML/,
      ) as unknown as string,
    ],
  },
  {
    name: 'ignores a broker of another class',
    objects: [broker({ 'eventing.knative.dev/broker.class': 'Kafka' }, {})],
    wantActions: ['updateStatus Broker demo/default'],
    wantStatus: { observedGeneration: 1 },
  },
  {
    name: 'a missing config ConfigMap fails TriggerChannelReady',
    objects: [broker(), ...dataPlane],
    wantActions: ['updateStatus Broker demo/default'],
    wantEvents: [
      'Warning ChannelTemplateFailed Error on setting up the ChannelTemplate: configmaps "config-br-default-channel" not found',
    ],
    wantConditions: {
      TriggerChannelReady: 'False ChannelTemplateFailed',
      Ready: 'False ChannelTemplateFailed',
    },
  },
  {
    name: 'a config that is not a ConfigMap is not supported',
    objects: [
      broker(mt, {
        config: { apiVersion: 'v1', kind: 'Secret', name: 'x', namespace: sys },
        delivery,
      }),
    ],
    wantActions: ['updateStatus Broker demo/default'],
    wantEvents: [
      'Warning ChannelTemplateFailed Error on setting up the ChannelTemplate: Broker.Spec.Config configuration not supported, only [kind: ConfigMap, apiVersion: v1]',
    ],
  },
  {
    name: 'creates the trigger channel of the configured kind with the broker delivery, and waits for its address',
    objects: [broker(), channelTemplate, ...dataPlane],
    wantActions: [
      'create InMemoryChannel demo/default-kne-trigger',
      'updateStatus Broker demo/default',
    ],
    wantBody: {
      metadata: {
        labels: {
          'eventing.knative.dev/broker': 'default',
          'eventing.knative.dev/brokerEverything': 'true',
        },
        ownerReferences: [owner],
      },
      spec: { delivery },
    },
    wantConditions: {
      Addressable: 'Unknown',
      DeadLetterSinkResolved: 'Unknown',
      EventPoliciesReady: 'Unknown',
      FilterReady: 'Unknown',
      IngressReady: 'Unknown',
      Ready: 'False NoAddress',
      TriggerChannelReady: 'False NoAddress',
    },
  },
  {
    name: 'a KafkaChannel template makes a KafkaChannel trigger channel',
    objects: [
      broker(),
      configMap('config-br-default-channel', {
        'channel-template-spec':
          'apiVersion: messaging.knative.dev/v1beta1\nkind: KafkaChannel\nspec:\n  numPartitions: 2',
      }),
    ],
    wantActions: [
      'create KafkaChannel demo/default-kne-trigger',
      'updateStatus Broker demo/default',
    ],
    wantBody: { spec: { numPartitions: 2, delivery } },
  },
  {
    name: 'becomes Ready with the ingress address and the channel annotations',
    objects: [broker(), channelTemplate, ...dataPlane, triggerChannel(readyChannel)],
    wantActions: ['updateStatus Broker demo/default'],
    wantConditions: allTrue,
    wantStatus: {
      address: { name: 'http', url: brokerUrl },
      addresses: [{ name: 'http', url: brokerUrl }],
      annotations: {
        'knative.dev/channelAddress': channelUrl,
        'knative.dev/channelAPIVersion': 'messaging.knative.dev/v1',
        'knative.dev/channelKind': 'InMemoryChannel',
        'knative.dev/channelName': 'default-kne-trigger',
      },
    },
  },
  {
    name: 'mirrors a trigger channel that is not ready',
    objects: [
      broker(),
      channelTemplate,
      ...dataPlane,
      triggerChannel({
        ...readyChannel,
        conditions: [{ type: 'Ready', status: 'False', reason: 'DispatcherEndpointsNotReady' }],
      }),
    ],
    wantActions: ['updateStatus Broker demo/default'],
    wantConditions: {
      ...allTrue,
      TriggerChannelReady: 'False DispatcherEndpointsNotReady',
      Ready: 'False DispatcherEndpointsNotReady',
    },
  },
  {
    name: 'updates the trigger channel delivery when the broker delivery changed',
    objects: [
      broker(mt, { config: channelConfig, delivery: { retry: 1 } }),
      channelTemplate,
      ...dataPlane,
      triggerChannel(readyChannel),
    ],
    wantActions: [
      'patch InMemoryChannel demo/default-kne-trigger',
      'updateStatus Broker demo/default',
    ],
    wantBody: { spec: { delivery: { retry: 1 } } },
  },
  {
    name: 'refuses a same-named channel it does not control',
    objects: [broker(), channelTemplate, triggerChannel(readyChannel, { delivery }, [])],
    wantActions: ['updateStatus Broker demo/default'],
    wantEvents: [
      'Warning InternalError Failed to reconcile trigger channel: InMemoryChannel demo/default-kne-trigger exists and is not controlled by Broker "default"',
    ],
    wantConditions: { TriggerChannelReady: 'False ChannelFailure' },
  },
  {
    name: 'missing broker-filter Service and unready ingress endpoints',
    objects: [
      broker(),
      channelTemplate,
      serviceFixture('broker-ingress'),
      endpointSliceFixture('broker-ingress', false),
      triggerChannel(readyChannel),
    ],
    wantActions: ['updateStatus Broker demo/default'],
    wantEvents: [
      'Warning InternalError Problem getting the broker-filter Service: services "broker-filter" not found',
    ],
    wantConditions: {
      ...allTrue,
      FilterReady: 'False ServiceFailure',
      IngressReady: 'False EndpointSlicesUnavailable',
      Ready: 'False ServiceFailure',
    },
  },
  {
    name: 'resolves the dead-letter sink into status.deadLetterSinkUri',
    objects: [
      broker(mt, {
        config: channelConfig,
        delivery: { deadLetterSink: { ref: { apiVersion: 'v1', kind: 'Service', name: 'dls' } } },
      }),
      channelTemplate,
      ...dataPlane,
      triggerChannel(readyChannel, {
        delivery: { deadLetterSink: { ref: { apiVersion: 'v1', kind: 'Service', name: 'dls' } } },
      }),
    ],
    wantActions: ['updateStatus Broker demo/default'],
    wantConditions: { ...allTrue, DeadLetterSinkResolved: 'True' },
    wantStatus: { deadLetterSinkUri: 'http://dls.demo.svc.cluster.local' },
  },
  {
    name: 'an unresolvable dead-letter sink fails DeadLetterSinkResolved',
    objects: [
      broker(mt, { config: channelConfig, delivery: { deadLetterSink: missingSink } }),
      channelTemplate,
      ...dataPlane,
      triggerChannel(readyChannel, { delivery: { deadLetterSink: missingSink } }),
    ],
    wantActions: ['updateStatus Broker demo/default'],
    wantEvents: [
      'Warning InternalError Failed to resolve Dead Letter Sink URI: failed to get object demo/gone: services.serving.knative.dev "gone" not found',
    ],
    wantConditions: {
      ...allTrue,
      DeadLetterSinkResolved: "False Unable to get the DeadLetterSink's URI",
      Ready: "False Unable to get the DeadLetterSink's URI",
    },
  },
  {
    name: 'a spec the webhook would reject is Ready=False InvalidSpec naming the fields, and no trigger channel is made',
    objects: [
      broker(mt, {
        config: channelConfig,
        delivery: { deadLetterSink: { uri: 'relative' }, backoffDelay: 'soon' },
      }),
      channelTemplate,
      ...dataPlane,
    ],
    wantActions: ['updateStatus Broker demo/default'],
    wantEvents: [
      'Warning InvalidSpec invalid value: relative: spec.delivery.deadLetterSink.uri\nRelative URI is not allowed when Ref and [apiVersion, kind, name] is absent\ninvalid value: soon: spec.delivery.backoffDelay',
    ],
    wantConditions: { Ready: 'False InvalidSpec' },
  },
];

const run = (objects: KubeObject[]) =>
  reconcileOnce<Broker>({
    objects,
    apiVersion: 'eventing.knative.dev/v1',
    kind: 'Broker',
    key: 'demo/default',
    reconciler: ({ client, references }) =>
      new BrokerReconciler({
        client,
        references,
        resolver: testResolver(references),
        systemNamespace: sys,
        clusterDomain: 'cluster.local',
        now: () => testNow,
      }),
  });
const brokerRef = {
  apiVersion: 'eventing.knative.dev/v1',
  kind: 'Broker',
  namespace: 'demo',
  name: 'default',
};

describe('BrokerReconciler', () => {
  it.each(rows)('$name', async (row) => {
    expectRow(await run(row.objects), row, brokerRef, { conditions: 'subset' });
  });

  it('tracks the config ConfigMap and the trigger channel', async () => {
    const { tracked } = await run([broker(), channelTemplate]);
    expect(tracked).toEqual([
      `ConfigMap ${sys}/config-br-default-channel <- demo/default`,
      'InMemoryChannel.messaging.knative.dev demo/default-kne-trigger <- demo/default',
    ]);
  });

  it('is idempotent once Ready', async () => {
    const objects = [channelTemplate, ...dataPlane, triggerChannel(readyChannel)];
    const first = await run([broker(), ...objects]);
    const settled = first.client.peek<Broker>(brokerRef) as Broker;
    const second = await run([settled, ...objects]);
    expect(second.actions).toEqual([]);
  });
});
