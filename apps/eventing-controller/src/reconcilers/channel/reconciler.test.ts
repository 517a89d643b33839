import type { KubeObject } from '@knative-ts/kube';
import type { Channel, ChannelableStatus } from '@knative-ts/types';
import { reconcileOnce, testNow } from '../../testing/reconcile-once.js';
import { controllerOwner } from '../../testing/fixtures.js';
import { expectRow, type ReconcilerRow } from '../../testing/table-row.js';
import { ChannelReconciler } from './reconciler.js';

const ns = 'demo';
const imcTemplate = { apiVersion: 'messaging.knative.dev/v1', kind: 'InMemoryChannel' };
const kafkaTemplate = {
  apiVersion: 'messaging.knative.dev/v1beta1',
  kind: 'KafkaChannel',
  spec: { numPartitions: 3 },
};

function channel(spec: Channel['spec'] = { channelTemplate: imcTemplate }): Channel {
  return {
    apiVersion: 'messaging.knative.dev/v1',
    kind: 'Channel',
    metadata: { namespace: ns, name: 'ch', uid: 'ch-uid', generation: 1 },
    spec,
  };
}
const owner = controllerOwner('messaging.knative.dev/v1', 'Channel', 'ch', 'ch-uid');
const url = 'http://ch-kn-channel.demo.svc.cluster.local';
function backing(status: ChannelableStatus, ownerReferences = [owner]): KubeObject {
  return {
    ...imcTemplate,
    metadata: { namespace: ns, name: 'ch', ownerReferences },
    spec: {},
    status,
  };
}
const readyStatus: ChannelableStatus = {
  conditions: [{ type: 'Ready', status: 'True' }],
  address: { name: 'http', url },
  addresses: [{ name: 'http', url }],
  subscribers: [{ uid: 'sub-uid', observedGeneration: 1, ready: 'True' }],
};
const configMap = (yaml: string): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { namespace: 'knative-eventing', name: 'default-ch-webhook' },
    data: { 'default-ch-config': yaml },
  }) as KubeObject;

const dlsSpec = {
  channelTemplate: imcTemplate,
  delivery: { deadLetterSink: { uri: 'http://dls' } },
};

const rows: ReconcilerRow[] = [
  {
    name: 'a spec the webhook would reject is Ready=False InvalidSpec naming the fields, and no backing channel is made',
    objects: [
      channel({
        channelTemplate: { apiVersion: 'messaging.knative.dev/v1', kind: '' },
        delivery: { backoffPolicy: 'sometimes' as 'linear' },
      }),
    ],
    wantActions: ['updateStatus Channel demo/ch'],
    wantEvents: [
      'Warning InvalidSpec missing field(s): spec.channelTemplate.kind\ninvalid value: sometimes: spec.delivery.backoffPolicy',
    ],
    wantConditions: {
      Addressable: 'Unknown',
      BackingChannelReady: 'Unknown',
      DeadLetterSinkResolved: 'Unknown',
      EventPoliciesReady: 'Unknown',
      Ready: 'False InvalidSpec',
    },
  },
  {
    name: 'writes the shipped default template (InMemoryChannel) when there is no ConfigMap',
    objects: [channel({})],
    wantActions: ['patch Channel demo/ch', 'updateStatus Channel demo/ch'],
    wantBody: {
      metadata: { annotations: { 'messaging.knative.dev/subscribable': 'v1' } },
      spec: { channelTemplate: imcTemplate },
    },
  },
  {
    name: 'a namespace default from default-ch-webhook wins over the cluster default',
    objects: [
      channel({}),
      configMap(
        `clusterDefault: {apiVersion: messaging.knative.dev/v1, kind: InMemoryChannel}\nnamespaceDefaults:\n  demo: {apiVersion: messaging.knative.dev/v1beta1, kind: KafkaChannel, spec: {numPartitions: 3}}`,
      ),
    ],
    wantActions: ['patch Channel demo/ch', 'updateStatus Channel demo/ch'],
    wantBody: { spec: { channelTemplate: kafkaTemplate } },
  },
  {
    name: 'a malformed default-ch-webhook is reported, not guessed around',
    objects: [channel({}), configMap('clusterDefault: [')],
    wantActions: ['updateStatus Channel demo/ch'],
    wantEvents: [
      expect.stringMatching(
        /^Warning ChannelDefaultingFailed Cannot default spec.channelTemplate from ConfigMap knative-eventing\/default-ch-webhook: default-ch-config is not valid YAML/,
      ) as unknown as string,
    ],
  },
  {
    name: 'creates the backing InMemoryChannel and waits for it',
    objects: [channel()],
    wantActions: ['create InMemoryChannel demo/ch', 'updateStatus Channel demo/ch'],
    wantConditions: {
      Addressable: 'False EmptyHostname',
      BackingChannelReady: 'Unknown BackingChannelNotConfigured',
      DeadLetterSinkResolved: 'True DeadLetterSinkNotConfigured',
      EventPoliciesReady: 'True OIDCDisabled',
      Ready: 'False EmptyHostname',
    },
    wantStatus: { channel: { ...imcTemplate, name: 'ch', namespace: ns } },
  },
  {
    name: 'creates a backing channel of any kind (KafkaChannel) with the template spec',
    objects: [channel({ channelTemplate: kafkaTemplate })],
    wantActions: ['create KafkaChannel demo/ch', 'updateStatus Channel demo/ch'],
    wantBody: { metadata: { ownerReferences: [owner] }, spec: { numPartitions: 3 } },
  },
  {
    name: 'mirrors a ready backing channel: address, addresses, subscribers',
    objects: [channel(), backing(readyStatus)],
    wantActions: ['updateStatus Channel demo/ch'],
    wantConditions: {
      Addressable: 'True',
      BackingChannelReady: 'True',
      DeadLetterSinkResolved: 'True DeadLetterSinkNotConfigured',
      EventPoliciesReady: 'True OIDCDisabled',
      Ready: 'True',
    },
    wantStatus: {
      address: readyStatus.address,
      addresses: readyStatus.addresses,
      subscribers: readyStatus.subscribers,
    },
  },
  {
    name: 'propagates a failing backing channel with its reason',
    objects: [
      channel(),
      backing({
        ...readyStatus,
        conditions: [
          { type: 'Ready', status: 'False', reason: 'DispatcherEndpointsNotReady', message: 'm' },
        ],
      }),
    ],
    wantActions: ['updateStatus Channel demo/ch'],
    wantConditions: {
      Addressable: 'True',
      BackingChannelReady: 'False DispatcherEndpointsNotReady',
      DeadLetterSinkResolved: 'True DeadLetterSinkNotConfigured',
      EventPoliciesReady: 'True OIDCDisabled',
      Ready: 'False DispatcherEndpointsNotReady',
    },
  },
  {
    name: 'refuses a same-named channel it does not control',
    objects: [channel(), backing(readyStatus, [])],
    wantActions: ['updateStatus Channel demo/ch'],
    wantEvents: [
      'Warning InternalError problem reconciling the backing channel: InMemoryChannel demo/ch exists and is not controlled by Channel "ch"',
    ],
    wantConditions: {
      Addressable: 'Unknown',
      BackingChannelReady: 'False ChannelFailure',
      DeadLetterSinkResolved: 'Unknown',
      EventPoliciesReady: 'Unknown',
      Ready: 'False ChannelFailure',
    },
  },
  {
    name: 'copies the dead-letter sink the backing channel resolved',
    objects: [channel(dlsSpec), backing({ ...readyStatus, deadLetterSinkUri: 'http://dls' })],
    wantActions: ['updateStatus Channel demo/ch'],
    wantConditions: {
      Addressable: 'True',
      BackingChannelReady: 'True',
      DeadLetterSinkResolved: 'True',
      EventPoliciesReady: 'True OIDCDisabled',
      Ready: 'True',
    },
    wantStatus: { deadLetterSinkUri: 'http://dls' },
  },
  {
    name: 'a dead-letter sink the backing channel has not resolved fails',
    objects: [channel(dlsSpec), backing(readyStatus)],
    wantActions: ['updateStatus Channel demo/ch'],
    wantConditions: {
      Addressable: 'True',
      BackingChannelReady: 'True',
      DeadLetterSinkResolved: "False Backing Channel ch didn't set status.deadLetterSinkURI",
      EventPoliciesReady: 'True OIDCDisabled',
      Ready: "False Backing Channel ch didn't set status.deadLetterSinkURI",
    },
  },
];

const run = (objects: KubeObject[]) =>
  reconcileOnce<Channel>({
    objects,
    apiVersion: 'messaging.knative.dev/v1',
    kind: 'Channel',
    key: 'demo/ch',
    reconciler: ({ client, references }) =>
      new ChannelReconciler({
        client,
        references,
        systemNamespace: 'knative-eventing',
        now: () => testNow,
      }),
  });
const channelRef = {
  apiVersion: 'messaging.knative.dev/v1',
  kind: 'Channel',
  namespace: ns,
  name: 'ch',
};

describe('ChannelReconciler', () => {
  it.each(rows)('$name', async (row) => {
    expectRow(await run(row.objects), row, channelRef);
  });

  it('tracks the backing channel so its changes re-queue the Channel', async () => {
    const { tracked } = await run([channel({ channelTemplate: kafkaTemplate })]);
    expect(tracked).toEqual(['KafkaChannel.messaging.knative.dev demo/ch <- demo/ch']);
  });

  it('is idempotent once the backing channel is ready', async () => {
    const first = await run([channel(), backing(readyStatus)]);
    const settled = first.client.peek<Channel>(channelRef) as Channel;
    const second = await run([settled, backing(readyStatus)]);
    expect(second.actions).toEqual([]);
  });
});
