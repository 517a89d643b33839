import type { KubeObject } from '@knative-ts/kube';
import type { Subscription } from '@knative-ts/types';
import { reconcileOnce, testNow } from '../../testing/reconcile-once.js';
import { summary, testResolver } from '../../testing/fixtures.js';
import { SubscriptionReconciler } from './reconciler.js';

const ns = 'demo';
const messaging = 'messaging.knative.dev/v1';
const finalizer = 'subscriptions.messaging.knative.dev';

function sub(
  spec: Partial<Subscription['spec']> = {},
  meta: object = {},
  status?: object,
): Subscription {
  return {
    apiVersion: messaging,
    kind: 'Subscription',
    metadata: {
      namespace: ns,
      name: 's',
      uid: 'sub-uid',
      generation: 1,
      finalizers: [finalizer],
      ...meta,
    },
    spec: {
      channel: { apiVersion: messaging, kind: 'InMemoryChannel', name: 'c' },
      subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name: 'svc' } },
      ...spec,
    },
    ...(status ? { status } : {}),
  } as Subscription;
}
const entry = {
  name: 's',
  uid: 'sub-uid',
  generation: 1,
  subscriberUri: 'http://svc.demo.svc.cluster.local',
};
function imc(spec: object = {}, status: object = {}, name = 'c'): KubeObject {
  return {
    apiVersion: messaging,
    kind: 'InMemoryChannel',
    metadata: { namespace: ns, name },
    spec,
    status,
  };
}
const ready = { subscribers: [{ uid: 'sub-uid', observedGeneration: 1, ready: 'True' }] };
const channel = (status: object): KubeObject => ({
  apiVersion: messaging,
  kind: 'Channel',
  metadata: { namespace: ns, name: 'ch', generation: 1 },
  spec: {},
  status,
});

interface Row {
  name: string;
  objects: KubeObject[];
  wantActions: string[];
  wantBody?: object;
  wantEvents?: string[];
  wantReady?: string;
  wantConditions?: Record<string, string>;
}

const rows: Row[] = [
  {
    name: 'a spec the webhook would reject is Ready=False InvalidSpec naming the fields, and the channel is left alone',
    objects: [
      sub({
        channel: { apiVersion: messaging, kind: 'InMemoryChannel', name: 'c', namespace: 'other' },
        subscriber: undefined,
        delivery: { retry: -1 },
      }),
      imc(),
    ],
    wantActions: ['updateStatus Subscription demo/s'],
    wantEvents: [
      'Warning InvalidSpec mismatched namespaces: spec.channel.namespace\nparent namespace: "demo" does not match ref: "other"\nmissing field(s): spec.reply, spec.subscriber\nthe Subscription must reference at least one of (reply or a subscriber)\ninvalid value: -1: spec.delivery.retry',
    ],
    wantReady: 'False InvalidSpec',
  },
  {
    name: 'channel missing → ReferencesResolved Unknown ChannelReferenceFailed (as Knative)',
    objects: [sub()],
    wantActions: ['updateStatus Subscription demo/s'],
    wantEvents: [
      'Warning ChannelReferenceFailed Failed to get Spec.Channel or backing channel: inmemorychannels.messaging.knative.dev "c" not found',
    ],
    wantReady: 'Unknown ChannelReferenceFailed',
  },
  {
    name: 'generic Channel not ready yet',
    objects: [
      sub({ channel: { apiVersion: messaging, kind: 'Channel', name: 'ch' } }),
      channel({}),
    ],
    wantActions: ['updateStatus Subscription demo/s'],
    wantEvents: [
      'Warning ChannelReferenceFailed Failed to get Spec.Channel or backing channel: channel is not ready.',
    ],
    wantReady: 'Unknown ChannelReferenceFailed',
  },
  {
    name: 'unresolvable subscriber → Ready False SubscriberResolveFailed',
    objects: [
      sub({
        subscriber: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'x' } },
      }),
      imc(),
    ],
    wantActions: ['updateStatus Subscription demo/s'],
    wantEvents: [
      'Warning SubscriberResolveFailed Failed to resolve spec.subscriber: failed to get object demo/x: services.serving.knative.dev "x" not found',
    ],
    wantReady: 'False SubscriberResolveFailed',
  },
  {
    name: 'unresolvable reply → ReplyResolveFailed',
    objects: [
      sub({ reply: { ref: { apiVersion: messaging, kind: 'InMemoryChannel', name: 'nope' } } }),
      imc(),
    ],
    wantActions: ['updateStatus Subscription demo/s'],
    wantEvents: [
      'Warning ReplyResolveFailed Failed to resolve spec.reply: failed to get object demo/nope: inmemorychannels.messaging.knative.dev "nope" not found',
    ],
    wantReady: 'False ReplyResolveFailed',
  },
  {
    name: 'channel dead-letter sink not resolved by the channel → DeadLetterSinkResolveFailed',
    objects: [sub(), imc({ delivery: { deadLetterSink: { uri: 'http://dls' } } })],
    wantActions: ['updateStatus Subscription demo/s'],
    wantEvents: [
      "Warning DeadLetterSinkResolveFailed Failed to resolve spec.delivery.deadLetterSink: channel c didn't set status.deadLetterSinkURI",
    ],
    wantReady: 'False DeadLetterSinkResolveFailed',
  },
  {
    name: 'adds itself to the channel with a patch conditional on the spec read',
    objects: [
      sub({ delivery: { retry: 2, deadLetterSink: { uri: 'http://dls.example' } } }),
      imc(),
    ],
    wantActions: ['patch InMemoryChannel demo/c', 'updateStatus Subscription demo/s'],
    wantBody: [
      { op: 'test', path: '/metadata/generation', value: 1 },
      {
        op: 'add',
        path: '/spec/subscribers',
        value: [
          { ...entry, delivery: { deadLetterSink: { uri: 'http://dls.example' }, retry: 2 } },
        ],
      },
    ],
    wantEvents: ['Normal SubscriberSync Subscription was synchronized to channel "c"'],
    wantConditions: {
      AddedToChannel: 'True',
      ChannelReady: 'Unknown',
      OIDCIdentityCreated: 'True authentication-oidc feature disabled',
      Ready: 'Unknown',
      ReferencesResolved: 'True',
    },
  },
  {
    name: 'inherits the dead-letter sink the channel resolved',
    objects: [
      sub(),
      imc(
        { delivery: { deadLetterSink: { uri: 'http://dls' } } },
        { deadLetterSinkUri: 'http://dls' },
      ),
    ],
    wantActions: ['patch InMemoryChannel demo/c', 'updateStatus Subscription demo/s'],
    wantBody: [
      { op: 'test' },
      {
        path: '/spec/subscribers',
        value: [{ ...entry, delivery: { deadLetterSink: { uri: 'http://dls' } } }],
      },
    ],
    wantEvents: ['Normal SubscriberSync Subscription was synchronized to channel "c"'],
  },
  {
    name: 'present in spec but no subscriber status yet → ChannelReady Unknown',
    objects: [sub(), imc({ subscribers: [entry] })],
    wantActions: ['updateStatus Subscription demo/s'],
    wantEvents: [
      'Warning SubscriptionNotMarkedReadyByChannel subscription "s" not present in channel "c" subscriber\'s list',
    ],
    wantReady: 'Unknown SubscriptionNotMarkedReadyByChannel',
  },
  {
    name: 'the channel marked it ready → Ready True',
    objects: [sub(), imc({ subscribers: [entry] }, ready)],
    wantActions: ['updateStatus Subscription demo/s'],
    wantReady: 'True',
  },
  {
    name: 'the channel marked it not ready → ChannelReady False',
    objects: [
      sub(),
      imc({ subscribers: [entry] }, { subscribers: [{ ...ready.subscribers[0], ready: 'False' }] }),
    ],
    wantActions: ['updateStatus Subscription demo/s'],
    wantReady: 'False SubscriptionNotMarkedReadyByChannel',
  },
  {
    name: 'a generic Channel is subscribed through its backing channel',
    objects: [
      sub({ channel: { apiVersion: messaging, kind: 'Channel', name: 'ch' } }),
      channel({
        observedGeneration: 1,
        conditions: [{ type: 'Ready', status: 'True' }],
        channel: { apiVersion: messaging, kind: 'InMemoryChannel', name: 'ch', namespace: ns },
      }),
      imc({}, {}, 'ch'),
    ],
    wantActions: ['patch InMemoryChannel demo/ch', 'updateStatus Subscription demo/s'],
    wantEvents: ['Normal SubscriberSync Subscription was synchronized to channel "ch"'],
  },
  {
    name: 'adds the finalizer first',
    objects: [sub({}, { finalizers: undefined }), imc({ subscribers: [entry] }, ready)],
    wantActions: ['patch Subscription demo/s', 'updateStatus Subscription demo/s'],
    wantReady: 'True',
  },
  {
    name: 'deleting: removes itself from the channel, then its finalizer',
    objects: [
      sub(
        {},
        { deletionTimestamp: '2025-01-01T00:00:00Z' },
        { conditions: [{ type: 'AddedToChannel', status: 'True' }] },
      ),
      imc({ subscribers: [entry, { uid: 'other' }] }),
    ],
    wantActions: ['patch InMemoryChannel demo/c', 'patch Subscription demo/s'],
    wantBody: [{ op: 'test' }, { path: '/spec/subscribers', value: [{ uid: 'other' }] }],
    wantEvents: ['Normal SubscriberRemoved Subscription was removed from channel "c"'],
  },
  {
    name: 'deleting with the channel gone: just lets go',
    objects: [
      sub(
        {},
        { deletionTimestamp: '2025-01-01T00:00:00Z' },
        { conditions: [{ type: 'AddedToChannel', status: 'True' }] },
      ),
    ],
    wantActions: ['patch Subscription demo/s'],
  },
];

const run = (objects: KubeObject[]) =>
  reconcileOnce<Subscription>({
    objects,
    apiVersion: messaging,
    kind: 'Subscription',
    key: 'demo/s',
    reconciler: ({ client, references }) =>
      new SubscriptionReconciler({
        client,
        references,
        resolver: testResolver(references),
        now: () => testNow,
      }),
  });
const subRef = { apiVersion: messaging, kind: 'Subscription', namespace: ns, name: 's' };

describe('SubscriptionReconciler', () => {
  it.each(rows)('$name', async (row) => {
    const { actions, bodies, events, client } = await run(row.objects);
    expect(actions).toEqual(row.wantActions);
    expect(events).toEqual(row.wantEvents ?? []);
    if (row.wantBody) expect(bodies[0]).toMatchObject(row.wantBody);
    const conditions = summary(client.peek<Subscription>(subRef)?.status?.conditions);
    if (row.wantReady) expect(conditions['Ready']).toBe(row.wantReady);
    if (row.wantConditions) expect(conditions).toEqual(row.wantConditions);
  });

  it('tracks the channel and every addressable it resolves', async () => {
    const { tracked } = await run([
      sub({ reply: { ref: { apiVersion: messaging, kind: 'InMemoryChannel', name: 'r' } } }),
      imc(),
    ]);
    expect(tracked).toEqual([
      'InMemoryChannel.messaging.knative.dev demo/c <- demo/s',
      'InMemoryChannel.messaging.knative.dev demo/r <- demo/s',
    ]);
  });

  it('records the resolved URIs in status.physicalSubscription', async () => {
    const { client } = await run([
      sub({
        delivery: { deadLetterSink: { ref: { apiVersion: 'v1', kind: 'Service', name: 'dls' } } },
      }),
      imc(),
    ]);
    expect(client.peek<Subscription>(subRef)?.status?.physicalSubscription).toEqual({
      subscriberUri: 'http://svc.demo.svc.cluster.local',
      deadLetterSinkUri: 'http://dls.demo.svc.cluster.local',
    });
  });
});
