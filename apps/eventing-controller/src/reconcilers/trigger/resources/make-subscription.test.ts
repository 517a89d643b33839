import type { Broker, DeliverySpec, Trigger } from '@knative-ts/types';
import { triggerFilterPath, triggerFilterUrl } from './filter-paths.js';
import { makeSubscription, triggerDelivery } from './make-subscription.js';

const trigger = (delivery?: DeliverySpec, name = 'my-trigger'): Trigger => ({
  apiVersion: 'eventing.knative.dev/v1',
  kind: 'Trigger',
  metadata: { namespace: 'demo', name, uid: 't-uid' },
  spec: {
    broker: 'default',
    subscriber: { uri: 'http://sink' },
    ...(delivery ? { delivery } : {}),
  },
});
const broker = (delivery?: DeliverySpec): Broker => ({
  apiVersion: 'eventing.knative.dev/v1',
  kind: 'Broker',
  metadata: { namespace: 'demo', name: 'default', uid: 'b-uid' },
  spec: delivery ? { delivery } : {},
});
const brokerDelivery: DeliverySpec = {
  retry: 10,
  backoffPolicy: 'exponential',
  backoffDelay: 'PT0.2S',
  deadLetterSink: { uri: 'http://broker-dls' },
};
const channel = {
  apiVersion: 'messaging.knative.dev/v1',
  kind: 'InMemoryChannel',
  namespace: 'demo',
  name: 'default-kne-trigger',
};

describe('triggerDelivery', () => {
  it.each([
    ['neither → none', undefined, undefined, undefined],
    ['broker only → broker', undefined, brokerDelivery, brokerDelivery],
    ['empty trigger delivery → broker', {}, brokerDelivery, brokerDelivery],
    [
      'trigger retry only replaces the whole broker delivery',
      { retry: 1 },
      brokerDelivery,
      { retry: 1 },
    ],
    ['trigger only → trigger', { timeout: 'PT1S' }, undefined, { timeout: 'PT1S' }],
  ])('%s', (_name, own, fromBroker, want) => {
    expect(triggerDelivery(trigger(own), broker(fromBroker))).toEqual(want);
  });
});

describe('triggerFilterPath / triggerFilterUrl', () => {
  it('is /triggers/<ns>/<name>/<uid> on broker-filter', () => {
    expect(triggerFilterPath(trigger())).toBe('/triggers/demo/my-trigger/t-uid');
    expect(triggerFilterUrl(trigger(), 'sys', 'cluster.local')).toBe(
      'http://broker-filter.sys.svc.cluster.local/triggers/demo/my-trigger/t-uid',
    );
  });
});

describe('makeSubscription', () => {
  it('subscribes broker-filter to the trigger channel, replying to the Broker', () => {
    const sub = makeSubscription({
      trigger: trigger({ retry: 2 }),
      broker: broker(brokerDelivery),
      channel,
      subscriberUri: 'http://filter/triggers/demo/my-trigger/t-uid',
    });
    expect(sub).toEqual({
      apiVersion: 'messaging.knative.dev/v1',
      kind: 'Subscription',
      metadata: {
        namespace: 'demo',
        name: 'default-my-trigger-t-uid',
        labels: {
          'eventing.knative.dev/broker': 'default',
          'eventing.knative.dev/trigger': 'my-trigger',
        },
        ownerReferences: [
          {
            apiVersion: 'eventing.knative.dev/v1',
            kind: 'Trigger',
            name: 'my-trigger',
            uid: 't-uid',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        channel: { apiVersion: channel.apiVersion, kind: channel.kind, name: channel.name },
        subscriber: { uri: 'http://filter/triggers/demo/my-trigger/t-uid' },
        reply: {
          ref: {
            apiVersion: 'eventing.knative.dev/v1',
            kind: 'Broker',
            name: 'default',
            namespace: 'demo',
          },
        },
        delivery: { retry: 2 },
      },
    });
  });

  it.each([
    ['a short name is <broker>-<trigger>-<uid>', 'short', 'default-short-t-uid'],
    [
      'a long name is hashed to 63 characters, as kmeta.ChildName does',
      'a-very-long-trigger-name-that-does-not-fit-into-sixty-three-chars',
      expect.stringMatching(/^default-a-very-long-trigge[0-9a-f]{32}t-uid$/),
    ],
  ])('%s', (_name, triggerName, want) => {
    const sub = makeSubscription({
      trigger: trigger(undefined, triggerName),
      broker: broker(),
      channel,
      subscriberUri: 'http://f',
    });
    expect(sub.metadata.name).toEqual(want);
    expect((sub.metadata.name ?? '').length).toBeLessThanOrEqual(63);
    expect(sub.spec.delivery).toBeUndefined();
  });
});
