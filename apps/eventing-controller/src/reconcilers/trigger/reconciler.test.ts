import type { KubeObject } from '@knative-ts/kube';
import { compileTriggerFilter } from '@knative-ts/eventfilter';
import type { Broker, Condition, Trigger } from '@knative-ts/types';
import { reconcileOnce, testNow } from '../../testing/reconcile-once.js';
import { brokerFixture, controllerOwner, testResolver } from '../../testing/fixtures.js';
import { expectRow, type ReconcilerRow } from '../../testing/table-row.js';
import { TriggerReconciler, type FilterValidator } from './reconciler.js';

const sys = 'knative-eventing';
const subName = 'default-t-t-uid';
const filterUrl = `http://broker-filter.${sys}.svc.cluster.local/triggers/demo/t/t-uid`;
const brokerDelivery = { retry: 10, deadLetterSink: { uri: 'http://broker-dls' } };

function trigger(
  spec: Partial<Trigger['spec']> = {},
  annotations?: Record<string, string>,
): Trigger {
  return {
    apiVersion: 'eventing.knative.dev/v1',
    kind: 'Trigger',
    metadata: {
      namespace: 'demo',
      name: 't',
      uid: 't-uid',
      generation: 1,
      ...(annotations ? { annotations } : {}),
    },
    spec: {
      broker: 'default',
      subscriber: { ref: { apiVersion: 'v1', kind: 'Service', name: 'sink' } },
      ...spec,
    },
  };
}
const readyAnnotations = {
  'knative.dev/channelAddress': 'http://default-kne-trigger-kn-channel.demo.svc.cluster.local',
  'knative.dev/channelAPIVersion': 'messaging.knative.dev/v1',
  'knative.dev/channelKind': 'InMemoryChannel',
  'knative.dev/channelName': 'default-kne-trigger',
};
function broker(
  ready: Condition | undefined,
  extra: Partial<Broker['status']> = {},
  cls = 'MTChannelBasedBroker',
): Broker {
  return brokerFixture({
    annotations: { 'eventing.knative.dev/broker.class': cls },
    spec: { delivery: brokerDelivery },
    status: {
      ...(ready ? { conditions: [ready] } : {}),
      annotations: readyAnnotations,
      deadLetterSinkUri: 'http://broker-dls',
      ...extra,
    },
  });
}
const readyBroker = broker({ type: 'Ready', status: 'True' });
const owner = controllerOwner('eventing.knative.dev/v1', 'Trigger', 't', 't-uid');
function subscription(ready?: Condition, spec?: object, ownerReferences = [owner]): KubeObject {
  return {
    apiVersion: 'messaging.knative.dev/v1',
    kind: 'Subscription',
    metadata: { namespace: 'demo', name: subName, ownerReferences },
    spec: spec ?? {
      channel: {
        apiVersion: 'messaging.knative.dev/v1',
        kind: 'InMemoryChannel',
        name: 'default-kne-trigger',
      },
      subscriber: { uri: filterUrl },
      reply: {
        ref: {
          apiVersion: 'eventing.knative.dev/v1',
          kind: 'Broker',
          name: 'default',
          namespace: 'demo',
        },
      },
      delivery: brokerDelivery,
    },
    status: ready ? { conditions: [ready] } : {},
  } as KubeObject;
}
const allTrue = {
  BrokerReady: 'True',
  DeadLetterSinkResolved: 'True',
  DependencyReady: 'True',
  OIDCIdentityCreated: 'True authentication-oidc feature disabled',
  Ready: 'True',
  SubscriberResolved: 'True',
  SubscriptionReady: 'True',
};

interface Row extends ReconcilerRow {
  /** The Ready condition's message. */
  wantMessage?: RegExp;
}
const rows: Row[] = [
  {
    name: 'waits for a broker that does not exist',
    objects: [trigger()],
    wantActions: ['updateStatus Trigger demo/t'],
    wantConditions: { BrokerReady: 'False BrokerDoesNotExist', Ready: 'False BrokerDoesNotExist' },
    wantMessage: /^Broker "default" does not exist$/,
  },
  {
    name: 'waits for a broker that was not reconciled yet',
    objects: [trigger(), broker(undefined)],
    wantActions: ['updateStatus Trigger demo/t'],
    wantConditions: {
      BrokerReady: 'Unknown BrokerNotConfigured',
      Ready: 'Unknown BrokerNotConfigured',
    },
  },
  {
    name: 'propagates a broker that is not ready',
    objects: [
      trigger(),
      broker({ type: 'Ready', status: 'False', reason: 'NoAddress', message: 'm' }),
    ],
    wantActions: ['updateStatus Trigger demo/t'],
    wantConditions: { BrokerReady: 'False NoAddress', Ready: 'False NoAddress' },
  },
  {
    name: 'ignores a trigger of another broker class',
    objects: [trigger(), broker({ type: 'Ready', status: 'True' }, {}, 'Kafka')],
    wantActions: ['updateStatus Trigger demo/t'],
    wantConditions: { BrokerReady: 'Unknown', Ready: 'Unknown' },
  },
  {
    name: 'a ready broker without channel annotations is MissingBrokerChannel',
    objects: [trigger(), broker({ type: 'Ready', status: 'True' }, { annotations: {} })],
    wantActions: ['updateStatus Trigger demo/t'],
    wantEvents: [
      'Warning MissingBrokerChannel Failed to get broker "default" annotations: Broker.Status.Annotations nil or missing values',
    ],
    wantConditions: { BrokerReady: 'False MissingBrokerChannel' },
  },
  {
    name: 'creates the Subscription to broker-filter, replying to the broker, with the broker delivery',
    objects: [trigger(), readyBroker],
    wantActions: ['create Subscription demo/default-t-t-uid', 'updateStatus Trigger demo/t'],
    wantBody: { metadata: subscription().metadata, spec: subscription().spec },
    wantConditions: {
      ...allTrue,
      SubscriptionReady: 'Unknown SubscriptionNotConfigured',
      Ready: 'Unknown SubscriptionNotConfigured',
    },
    wantStatus: {
      subscriberUri: 'http://sink.demo.svc.cluster.local',
      deadLetterSinkUri: 'http://broker-dls',
    },
  },
  {
    name: 'the trigger delivery replaces the broker one, and its sink is resolved',
    objects: [
      trigger({ delivery: { retry: 1, deadLetterSink: { uri: 'http://own-dls' } } }),
      readyBroker,
    ],
    wantActions: ['create Subscription demo/default-t-t-uid', 'updateStatus Trigger demo/t'],
    wantBody: { spec: { delivery: { retry: 1, deadLetterSink: { uri: 'http://own-dls' } } } },
    wantStatus: { deadLetterSinkUri: 'http://own-dls' },
  },
  {
    name: 'becomes Ready with a ready Subscription',
    objects: [trigger(), readyBroker, subscription({ type: 'Ready', status: 'True' })],
    wantActions: ['updateStatus Trigger demo/t'],
    wantConditions: allTrue,
  },
  {
    name: 'propagates a failing Subscription',
    objects: [
      trigger(),
      readyBroker,
      subscription({
        type: 'Ready',
        status: 'False',
        reason: 'SubscriberResolveFailed',
        message: 'm',
      }),
    ],
    wantActions: ['updateStatus Trigger demo/t'],
    wantConditions: {
      ...allTrue,
      SubscriptionReady: 'False SubscriberResolveFailed',
      Ready: 'False SubscriberResolveFailed',
    },
  },
  {
    name: 're-creates a Subscription whose spec drifted (spec.channel is immutable)',
    objects: [
      trigger(),
      readyBroker,
      subscription(
        { type: 'Ready', status: 'True' },
        {
          channel: {
            apiVersion: 'messaging.knative.dev/v1beta1',
            kind: 'KafkaChannel',
            name: 'default-kne-trigger',
          },
        },
      ),
    ],
    wantActions: [
      'delete Subscription demo/default-t-t-uid',
      'create Subscription demo/default-t-t-uid',
      'updateStatus Trigger demo/t',
    ],
  },
  {
    name: 'refuses a Subscription it does not own',
    objects: [
      trigger(),
      readyBroker,
      subscription({ type: 'Ready', status: 'True' }, undefined, []),
    ],
    wantActions: ['updateStatus Trigger demo/t'],
    wantEvents: ['Warning InternalError trigger "t" does not own subscription "default-t-t-uid"'],
    wantConditions: { SubscriptionReady: 'False SubscriptionNotOwnedByTrigger' },
  },
  {
    name: 'an unresolvable subscriber fails SubscriberResolved',
    objects: [
      trigger({
        subscriber: {
          ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'gone' },
        },
      }),
      readyBroker,
    ],
    wantActions: ['updateStatus Trigger demo/t'],
    wantEvents: [
      'Warning InternalError Failed to resolve the subscriber: failed to get object demo/gone: services.serving.knative.dev "gone" not found',
    ],
    wantConditions: { SubscriberResolved: "False Unable to get the Subscriber's URI" },
  },
  {
    name: 'a broker sink the broker did not resolve fails DeadLetterSinkResolved',
    objects: [
      trigger(),
      broker({ type: 'Ready', status: 'True' }, { deadLetterSinkUri: undefined }),
    ],
    wantActions: ['updateStatus Trigger demo/t'],
    wantEvents: ["Warning InternalError broker default didn't set status.deadLetterSinkURI"],
    wantConditions: {
      DeadLetterSinkResolved: "False Broker default didn't set status.deadLetterSinkURI",
    },
  },
  {
    name: 'a spec the webhook would reject is Ready=False InvalidSpec naming the fields, and nothing is created',
    objects: [
      trigger({
        filter: { attributes: { 'Bad-Key': 'x' } },
        filters: [{ exact: { type: 'a', source: 'b' } }],
        subscriber: { uri: '/relative' },
      }),
      readyBroker,
    ],
    wantActions: ['updateStatus Trigger demo/t'],
    wantEvents: [
      'Warning InvalidSpec invalid key name "Bad-Key": spec.filter.attributes[Bad-Key]\nAttribute name must start with a letter and can only contain lowercase alphanumeric\nMultiple items found, can have only one key-value: spec.filters[0].exact\ninvalid value: /relative: spec.subscriber.uri\nRelative URI is not allowed when Ref and [apiVersion, kind, name] is absent',
    ],
    wantConditions: { Ready: 'False InvalidSpec' },
  },
  {
    name: 'an unparsable CESQL filter is Ready=False with the parser message, and nothing is created',
    objects: [trigger({ filters: [{ cesql: "type = 'a' AND" }] }), readyBroker],
    wantActions: ['updateStatus Trigger demo/t'],
    wantEvents: [
      expect.stringMatching(
        /^Warning InvalidFilter spec\.filters\[0\]\.cesql: /,
      ) as unknown as string,
    ],
    wantConditions: { Ready: 'False InvalidFilter' },
    wantMessage: /^spec\.filters\[0\]\.cesql: .*unexpected end of expression/,
  },
  {
    name: 'a CESQL filter nested 10,000 deep is Ready=False with the depth limit, not a thrown RangeError',
    objects: [
      trigger({ filters: [{ cesql: '('.repeat(10_000) + 'TRUE' + ')'.repeat(10_000) }] }),
      readyBroker,
    ],
    wantActions: ['updateStatus Trigger demo/t'],
    wantEvents: [
      expect.stringMatching(
        /^Warning InvalidFilter spec\.filters\[0\]\.cesql: /,
      ) as unknown as string,
    ],
    wantConditions: { Ready: 'False InvalidFilter' },
    wantMessage:
      /^spec\.filters\[0\]\.cesql: invalid CESQL expression: expression is nested deeper than 128 levels/,
  },
  {
    name: 'a missing dependency fails DependencyReady',
    objects: [
      trigger(
        {},
        {
          'knative.dev/dependency':
            '{"kind":"PingSource","name":"ping","apiVersion":"sources.knative.dev/v1"}',
        },
      ),
      readyBroker,
      subscription({ type: 'Ready', status: 'True' }),
    ],
    wantActions: ['updateStatus Trigger demo/t'],
    wantConditions: {
      ...allTrue,
      DependencyReady: 'False DependencyDoesNotExist',
      Ready: 'False DependencyDoesNotExist',
    },
  },
];

const run = (objects: KubeObject[], validateFilter: FilterValidator = compileTriggerFilter) =>
  reconcileOnce<Trigger>({
    objects,
    apiVersion: 'eventing.knative.dev/v1',
    kind: 'Trigger',
    key: 'demo/t',
    reconciler: ({ client, references }) =>
      new TriggerReconciler({
        client,
        references,
        resolver: testResolver(references),
        validateFilter,
        systemNamespace: sys,
        clusterDomain: 'cluster.local',
        now: () => testNow,
      }),
  });
const triggerRef = {
  apiVersion: 'eventing.knative.dev/v1',
  kind: 'Trigger',
  namespace: 'demo',
  name: 't',
};

describe('TriggerReconciler', () => {
  it.each(rows)('$name', async (row) => {
    const result = await run(row.objects);
    expectRow(result, row, triggerRef, { conditions: 'subset' });
    const got = result.client.peek<Trigger>(triggerRef);
    if (row.wantMessage) {
      expect(got?.status?.conditions?.find((c) => c.type === 'Ready')?.message).toMatch(
        row.wantMessage,
      );
    }
  });

  it('tracks its broker so a trigger created first recovers when the broker appears', async () => {
    const { tracked } = await run([trigger()]);
    expect(tracked).toEqual(['Broker.eventing.knative.dev demo/default <- demo/t']);
  });

  it('uses the injected filter validator', async () => {
    const { client } = await run([trigger(), readyBroker], () => ({
      ok: false,
      errors: [{ path: 'filter', message: 'nope' }],
    }));
    const got = client.peek<Trigger>(triggerRef);
    expect(got?.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'InvalidFilter',
      message: 'spec.filter: nope',
    });
  });

  it('turns a validator that throws into Ready=False InvalidFilter, never an exception', async () => {
    const { client, events } = await run([trigger(), readyBroker], () => {
      throw new RangeError('Maximum call stack size exceeded');
    });
    const got = client.peek<Trigger>(triggerRef);
    expect(got?.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'InvalidFilter',
      message: 'spec.filters: the filters could not be compiled: Maximum call stack size exceeded',
    });
    expect(events).toEqual([
      'Warning InvalidFilter spec.filters: the filters could not be compiled: Maximum call stack size exceeded',
    ]);
  });

  it('is idempotent once Ready', async () => {
    const objects = [readyBroker, subscription({ type: 'Ready', status: 'True' })];
    const first = await run([trigger(), ...objects]);
    const settled = first.client.peek<Trigger>(triggerRef) as Trigger;
    const second = await run([settled, ...objects]);
    expect(second.actions).toEqual([]);
  });
});
