import { ApiServerSourceConditions } from './api-server-source.js';
import { BrokerConditions } from './broker.js';
import { ChannelConditions } from './channel.js';
import type { ConditionSet } from './condition-set.js';
import { ContainerSourceConditions } from './container-source.js';
import type { Condition } from './duck.js';
import { EventTypeConditions } from './event-type.js';
import { InMemoryChannelConditions } from './in-memory-channel.js';
import { KafkaChannelConditions } from './kafka-channel.js';
import { NatssChannelConditions } from './natss-channel.js';
import { ParallelConditions } from './parallel.js';
import { PingSourceConditions } from './ping-source.js';
import { SequenceConditions } from './sequence.js';
import { SinkBindingConditions } from './sink-binding.js';
import { SubscriptionConditions } from './subscription.js';
import { TriggerConditions } from './trigger.js';

// The exact condition types of the reference (knative-features.md §1), per kind.
const table: [string, ConditionSet<string, string>, string[]][] = [
  [
    'Broker',
    BrokerConditions,
    [
      'IngressReady',
      'TriggerChannelReady',
      'FilterReady',
      'Addressable',
      'DeadLetterSinkResolved',
      'EventPoliciesReady',
    ],
  ],
  [
    'Trigger',
    TriggerConditions,
    [
      'BrokerReady',
      'SubscriptionReady',
      'DependencyReady',
      'SubscriberResolved',
      'DeadLetterSinkResolved',
      'OIDCIdentityCreated',
    ],
  ],
  ['EventType', EventTypeConditions, ['ReferenceExists']],
  [
    'Channel',
    ChannelConditions,
    ['BackingChannelReady', 'Addressable', 'DeadLetterSinkResolved', 'EventPoliciesReady'],
  ],
  [
    'InMemoryChannel',
    InMemoryChannelConditions,
    [
      'ServiceReady',
      'EndpointsReady',
      'Addressable',
      'ChannelServiceReady',
      'DeadLetterSinkResolved',
      'EventPoliciesReady',
    ],
  ],
  [
    'Subscription',
    SubscriptionConditions,
    ['ReferencesResolved', 'AddedToChannel', 'ChannelReady', 'OIDCIdentityCreated'],
  ],
  [
    'KafkaChannel',
    KafkaChannelConditions,
    ['Subscribers', 'TopicReady', 'ConfigMapUpdated', 'ConfigParsed', 'ProbeSucceeded'],
  ],
  [
    'NatssChannel',
    NatssChannelConditions,
    [
      'DispatcherReady',
      'ServiceReady',
      'EndpointsReady',
      'Addressable',
      'ChannelServiceReady',
      'StreamReady',
      'DeadLetterSinkResolved',
    ],
  ],
  [
    'Sequence',
    SequenceConditions,
    ['ChannelsReady', 'SubscriptionsReady', 'Addressable', 'EventPoliciesReady'],
  ],
  [
    'Parallel',
    ParallelConditions,
    ['ChannelsReady', 'SubscriptionsReady', 'Addressable', 'EventPoliciesReady'],
  ],
  ['PingSource', PingSourceConditions, ['SinkProvided', 'Deployed', 'OIDCIdentityCreated']],
  [
    'ApiServerSource',
    ApiServerSourceConditions,
    ['SinkProvided', 'Deployed', 'SufficientPermissions', 'OIDCIdentityCreated'],
  ],
  ['ContainerSource', ContainerSourceConditions, ['SinkBindingReady', 'ReceiveAdapterReady']],
  [
    'SinkBinding',
    SinkBindingConditions,
    ['SinkBindingAvailable', 'SinkProvided', 'OIDCIdentityCreated', 'OIDCTokenSecretCreated'],
  ],
];

describe.each(table)('%s conditions', (_kind, set, types) => {
  it('has exactly the reference condition types', () => {
    expect([...set.dependents]).toEqual(types);
  });

  it('is Ready only once every dependent is True', () => {
    const status: { conditions?: Condition[] } = {};
    const m = set.manage(status, new Date('2024-01-01T00:00:00Z'));
    m.initialize();
    expect(status.conditions).toHaveLength(types.length + 1);
    for (const t of types) {
      expect(m.isReady()).toBe(false);
      m.markTrue(t);
    }
    expect(m.isReady()).toBe(true);
    m.markFalse(types[0] ?? '', 'Broken', 'it broke');
    expect(m.getTopLevelCondition()).toMatchObject({ status: 'False', reason: 'Broken' });
  });
});
