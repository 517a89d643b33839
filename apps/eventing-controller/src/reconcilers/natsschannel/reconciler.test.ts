import type { KubeObject } from '@knative-ts/kube';
import type { NatssChannel } from '@knative-ts/types';
import { reconcileOnce, testNow } from '../../testing/reconcile-once.js';
import {
  endpointSliceFixture,
  serviceFixture,
  summary,
  testResolver,
} from '../../testing/fixtures.js';
import { StreamFailure, type EnsureResult, type StreamStore } from './jetstream-streams.js';
import { JetStreamChannelReconciler } from './reconciler.js';
import type { DesiredStream } from './resources/make-stream-config.js';

const ns = 'demo';
const sys = 'knative-eventing';
const v1alpha1 = 'messaging.knative.dev/v1alpha1';

const channel = (kind = 'NatssChannel', overrides: Partial<NatssChannel> = {}): NatssChannel => ({
  apiVersion: v1alpha1,
  kind,
  metadata: { namespace: ns, name: 'orders', uid: 'ch-uid', generation: 1 },
  spec: {},
  ...overrides,
});
const dispatcherService = serviceFixture('natss-channel-dispatcher');
const slice = (ready: boolean) => endpointSliceFixture('natss-channel-dispatcher', ready);

/** A StreamStore answering from a script, recording what it was asked. */
class ScriptedStreams implements StreamStore {
  readonly calls: string[] = [];
  constructor(
    private readonly answer: (d: DesiredStream) => EnsureResult | Error = () => ({
      action: 'created',
    }),
  ) {}
  async ensure(d: DesiredStream): Promise<EnsureResult> {
    this.calls.push(`ensure ${d.name} ${d.subjects.join(',')}`);
    const a = this.answer(d);
    if (a instanceof Error) throw a;
    return a;
  }
  async delete(name: string): Promise<'deleted'> {
    this.calls.push(`delete ${name}`);
    return 'deleted';
  }
}

const allTrue = {
  Addressable: 'True',
  ChannelServiceReady: 'True',
  DeadLetterSinkResolved: 'True DeadLetterSinkNotConfigured',
  DispatcherReady: 'True',
  EndpointsReady: 'True',
  Ready: 'True',
  ServiceReady: 'True',
  StreamReady: 'True',
};
const unknown = Object.fromEntries(Object.keys(allTrue).map((k) => [k, 'Unknown']));

interface Row {
  name: string;
  kind?: string;
  objects: KubeObject[];
  streams: StreamStore | undefined;
  wantActions: string[];
  wantEvents: string[];
  wantConditions: Record<string, string>;
  wantCalls?: string[];
}

const refused = new StreamFailure(
  'refused',
  'replicas > 1 not supported in non-clustered mode (err_code 10074)',
);
const rows: Row[] = [
  {
    name: 'creates the stream and the channel Service, then is Ready',
    objects: [dispatcherService, slice(true)],
    streams: new ScriptedStreams(),
    wantActions: [
      'patch NatssChannel demo/orders',
      'create Service demo/orders-kn-channel',
      'updateStatus NatssChannel demo/orders',
    ],
    wantEvents: ['Normal JetstreamStreamCreated JetStream stream KN_DEMO__ORDERS created'],
    wantConditions: allTrue,
    wantCalls: ['ensure KN_DEMO__ORDERS demo.orders._knative'],
  },
  {
    name: "serves eventing-natss's NatsJetStreamChannel the same way",
    kind: 'NatsJetStreamChannel',
    objects: [dispatcherService, slice(true)],
    streams: new ScriptedStreams(() => ({ action: 'unchanged' })),
    wantActions: [
      'patch NatsJetStreamChannel demo/orders',
      'create Service demo/orders-kn-channel',
      'updateStatus NatsJetStreamChannel demo/orders',
    ],
    wantEvents: [],
    wantConditions: allTrue,
  },
  {
    name: 'a stream config JetStream refuses: StreamReady False with its words, and a Warning',
    objects: [dispatcherService, slice(true)],
    streams: new ScriptedStreams(() => refused),
    wantActions: ['patch NatssChannel demo/orders', 'updateStatus NatssChannel demo/orders'],
    wantEvents: [
      'Warning JetstreamStreamFailed Failed to reconcile JetStream stream KN_DEMO__ORDERS: replicas > 1 not supported in non-clustered mode (err_code 10074)',
    ],
    wantConditions: {
      ...unknown,
      StreamReady: 'False DispatcherCreateStreamFailed',
      Ready: 'False DispatcherCreateStreamFailed',
    },
  },
  {
    name: 'JetStream unreachable: StreamReady Unknown, retried',
    objects: [dispatcherService, slice(true)],
    streams: new ScriptedStreams(
      () => new StreamFailure('unavailable', 'cannot connect to NATS: ECONNREFUSED'),
    ),
    wantActions: ['patch NatssChannel demo/orders', 'updateStatus NatssChannel demo/orders'],
    wantEvents: [
      'Warning JetstreamStreamFailed Failed to reconcile JetStream stream KN_DEMO__ORDERS: cannot connect to NATS: ECONNREFUSED',
    ],
    wantConditions: {
      ...unknown,
      StreamReady: 'Unknown JetStreamUnavailable',
      Ready: 'Unknown JetStreamUnavailable',
    },
  },
  {
    name: 'NATS not configured: says what to set',
    objects: [dispatcherService, slice(true)],
    streams: undefined,
    wantActions: ['patch NatssChannel demo/orders', 'updateStatus NatssChannel demo/orders'],
    wantEvents: [
      'Warning JetstreamStreamFailed NATS is not configured: set nats.url (ConfigMap config-nats) for the eventing-controller',
    ],
    wantConditions: {
      ...unknown,
      StreamReady: 'False NatsNotConfigured',
      Ready: 'False NatsNotConfigured',
    },
  },
  {
    name: 'dispatcher without ready endpoints',
    objects: [dispatcherService, slice(false)],
    streams: new ScriptedStreams(() => ({ action: 'unchanged' })),
    wantActions: ['patch NatssChannel demo/orders', 'updateStatus NatssChannel demo/orders'],
    wantEvents: [
      'Warning DispatcherEndpointsDoesNotExist There are no endpoints ready for Dispatcher service natss-channel-dispatcher',
    ],
    wantConditions: {
      ...unknown,
      StreamReady: 'True',
      ServiceReady: 'True',
      EndpointsReady: 'False DispatcherEndpointsNotReady',
      DispatcherReady: 'False DispatcherNotReady',
      Ready: 'False DispatcherNotReady',
    },
  },
];

const run = (objects: KubeObject[], streams: StreamStore | undefined, kind = 'NatssChannel') =>
  reconcileOnce<NatssChannel>({
    objects,
    apiVersion: v1alpha1,
    kind,
    key: 'demo/orders',
    reconciler: ({ client, references }) =>
      new JetStreamChannelReconciler({
        client,
        references,
        resolver: testResolver(references),
        streams,
        systemNamespace: sys,
        clusterDomain: 'cluster.local',
        now: () => testNow,
      }),
  });

describe('JetStreamChannelReconciler', () => {
  it.each(rows)('$name', async (row) => {
    const kind = row.kind ?? 'NatssChannel';
    const { actions, events, client } = await run(
      [channel(kind), ...row.objects],
      row.streams,
      kind,
    );
    expect(actions).toEqual(row.wantActions);
    expect(events).toEqual(row.wantEvents);
    const got = client.peek<NatssChannel>({
      apiVersion: v1alpha1,
      kind,
      namespace: ns,
      name: 'orders',
    });
    expect(summary(got?.status?.conditions)).toEqual(row.wantConditions);
    if (row.wantCalls && row.streams instanceof ScriptedStreams)
      expect(row.streams.calls).toEqual(row.wantCalls);
  });

  it('deletes the stream (override name honoured) when the channel is deleted, then lets it go', async () => {
    const streams = new ScriptedStreams();
    const deleting = channel('NatssChannel', {
      spec: { stream: { overrideName: 'ORDERS' } },
    });
    deleting.metadata = {
      ...deleting.metadata,
      deletionTimestamp: '2025-01-01T00:00:00Z',
      finalizers: ['natsschannels.messaging.knative.dev'],
    };
    const { actions } = await run([deleting, dispatcherService, slice(true)], streams);
    expect(streams.calls).toEqual(['delete ORDERS']);
    expect(actions).toEqual(['patch NatssChannel demo/orders']);
  });
});
