import type { ApiServerSource } from './api-server-source.js';
import type { ContainerSource } from './container-source.js';
import { defaultParallel, defaultSequence } from './flows-defaults.js';
import type { KafkaChannel } from './kafka-channel.js';
import { defaultKafkaChannel } from './kafka-channel-defaults.js';
import type { Parallel } from './parallel.js';
import type { PingSource } from './ping-source.js';
import type { Sequence } from './sequence.js';
import type { SinkBinding } from './sink-binding.js';
import {
  defaultApiServerSource,
  defaultContainerSource,
  defaultPingSource,
  defaultSinkBinding,
} from './source-defaults.js';
import type { Subscription } from './subscription.js';
import { defaultSubscription } from './subscription-defaults.js';
import type { Trigger } from './trigger.js';
import { defaultTrigger } from './trigger-defaults.js';

const metadata = { name: 'x', namespace: 'ns' };
const ref = { apiVersion: 'v1', kind: 'Service', name: 'svc' };
const sink = { ref };
const nsRef = { ...ref, namespace: 'ns' };

describe('defaultTrigger', () => {
  const t: Trigger = {
    apiVersion: 'eventing.knative.dev/v1',
    kind: 'Trigger',
    metadata,
    spec: { broker: 'default', subscriber: { ref } },
  };
  it('sets filter {}, broker label and subscriber namespace', () => {
    const out = defaultTrigger(t);
    expect(out.spec.filter).toEqual({});
    expect(out.metadata.labels).toEqual({ 'eventing.knative.dev/broker': 'default' });
    expect(out.spec.subscriber.ref).toEqual(nsRef);
    expect(t.spec.filter).toBeUndefined();
  });
  it('keeps an existing filter', () => {
    const f = { attributes: { type: 'a' } };
    expect(defaultTrigger({ ...t, spec: { ...t.spec, filter: f } }).spec.filter).toEqual(f);
  });
});

describe('defaultSubscription', () => {
  it('defaults subscriber, reply and dead-letter namespaces', () => {
    const s: Subscription = {
      apiVersion: 'messaging.knative.dev/v1',
      kind: 'Subscription',
      metadata,
      spec: {
        channel: { apiVersion: 'v', kind: 'Channel', name: 'c' },
        subscriber: { ref },
        reply: { ref: { ...ref, namespace: 'other' } },
        delivery: { deadLetterSink: { ref } },
      },
    };
    const out = defaultSubscription(s);
    expect(out.spec.subscriber?.ref?.namespace).toBe('ns');
    expect(out.spec.reply?.ref?.namespace).toBe('other');
    expect(out.spec.delivery?.deadLetterSink?.ref?.namespace).toBe('ns');
  });
});

describe('defaultKafkaChannel', () => {
  const kc = (spec: KafkaChannel['spec']): KafkaChannel => ({
    apiVersion: 'messaging.knative.dev/v1beta1',
    kind: 'KafkaChannel',
    metadata,
    spec,
  });
  it.each<[KafkaChannel['spec'], KafkaChannel['spec']]>([
    [{}, { numPartitions: 1, replicationFactor: 1, retentionDuration: 'PT168H' }],
    [{ numPartitions: 0 }, { numPartitions: 1, replicationFactor: 1, retentionDuration: 'PT168H' }],
    [
      { numPartitions: 3, replicationFactor: 2, retentionDuration: 'P1D' },
      { numPartitions: 3, replicationFactor: 2, retentionDuration: 'P1D' },
    ],
  ])('%j → %j', (spec, want) => {
    const out = defaultKafkaChannel(kc(spec));
    expect(out.spec).toEqual(want);
    expect(out.metadata.annotations?.['messaging.knative.dev/subscribable']).toBe('v1');
  });
});

describe('flows defaults', () => {
  const config = {
    clusterDefault: { apiVersion: 'messaging.knative.dev/v1', kind: 'InMemoryChannel' },
  };
  it('Sequence gets a channelTemplate and step/reply namespaces', () => {
    const s: Sequence = {
      apiVersion: 'flows.knative.dev/v1',
      kind: 'Sequence',
      metadata,
      spec: { steps: [{ ref, delivery: { deadLetterSink: { ref } } }], reply: { ref } },
    };
    const out = defaultSequence(s, config);
    expect(out.spec.channelTemplate).toEqual(config.clusterDefault);
    expect(out.spec.steps[0]?.ref).toEqual(nsRef);
    expect(out.spec.steps[0]?.delivery?.deadLetterSink?.ref).toEqual(nsRef);
    expect(out.spec.reply?.ref).toEqual(nsRef);
  });
  it('Parallel gets a channelTemplate and branch namespaces, keeping a given template', () => {
    const tpl = { apiVersion: 'messaging.knative.dev/v1beta1', kind: 'KafkaChannel' };
    const p: Parallel = {
      apiVersion: 'flows.knative.dev/v1',
      kind: 'Parallel',
      metadata,
      spec: {
        channelTemplate: tpl,
        branches: [{ filter: { ref }, subscriber: { ref }, reply: { ref } }],
      },
    };
    const out = defaultParallel(p, config);
    expect(out.spec.channelTemplate).toEqual(tpl);
    expect(out.spec.branches[0]).toEqual({
      filter: { ref: nsRef },
      subscriber: { ref: nsRef },
      reply: { ref: nsRef },
    });
  });
});

describe('source defaults', () => {
  it('PingSource: schedule every minute, sink namespace', () => {
    const ps: PingSource = {
      apiVersion: 'sources.knative.dev/v1',
      kind: 'PingSource',
      metadata,
      spec: { sink },
    };
    expect(defaultPingSource(ps).spec).toEqual({ schedule: '* * * * *', sink: { ref: nsRef } });
    expect(defaultPingSource({ ...ps, spec: { sink, schedule: '0 * * * *' } }).spec.schedule).toBe(
      '0 * * * *',
    );
  });
  it('ApiServerSource: mode Reference, ServiceAccount default', () => {
    const src: ApiServerSource = {
      apiVersion: 'sources.knative.dev/v1',
      kind: 'ApiServerSource',
      metadata,
      spec: { sink, resources: [] },
    };
    expect(defaultApiServerSource(src).spec).toMatchObject({
      mode: 'Reference',
      serviceAccountName: 'default',
    });
    expect(
      defaultApiServerSource({
        ...src,
        spec: { ...src.spec, mode: 'Resource', serviceAccountName: 'sa' },
      }).spec,
    ).toMatchObject({ mode: 'Resource', serviceAccountName: 'sa' });
  });
  it('ContainerSource: names unnamed containers', () => {
    const cs: ContainerSource = {
      apiVersion: 'sources.knative.dev/v1',
      kind: 'ContainerSource',
      metadata,
      spec: {
        sink,
        template: { spec: { containers: [{ image: 'a' }, { name: 'keep', image: 'b' }] } },
      },
    };
    expect(defaultContainerSource(cs).spec.template.spec?.containers?.map((c) => c.name)).toEqual([
      'x-0',
      'keep',
    ]);
  });
  it('SinkBinding: subject namespace', () => {
    const sb: SinkBinding = {
      apiVersion: 'sources.knative.dev/v1',
      kind: 'SinkBinding',
      metadata,
      spec: { sink, subject: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' } },
    };
    expect(defaultSinkBinding(sb).spec.subject.namespace).toBe('ns');
  });
});
