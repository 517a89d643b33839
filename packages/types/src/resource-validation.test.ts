import type { ApiServerSource, ApiServerSourceSpec } from './api-server-source.js';
import { validateApiServerSource } from './api-server-source-validation.js';
import type { Broker } from './broker.js';
import { validateBroker } from './broker-validation.js';
import type { Channel } from './channel.js';
import { validateChannel, validateInMemoryChannel } from './channel-validation.js';
import type { ContainerSource, ContainerSourceSpec } from './container-source.js';
import { validateContainerSource } from './container-source-validation.js';
import { validateParallel, validateSequence } from './flows-validation.js';
import type { KafkaChannel, KafkaChannelSpec } from './kafka-channel.js';
import { validateKafkaChannel } from './kafka-channel-validation.js';
import type { Parallel, ParallelSpec } from './parallel.js';
import type { PingSource, PingSourceSpec } from './ping-source.js';
import { validatePingSource } from './ping-source-validation.js';
import type { Sequence, SequenceSpec } from './sequence.js';
import type { SinkBinding, SinkBindingSpec } from './sink-binding.js';
import { validateSinkBinding } from './sink-binding-validation.js';

const metadata = { name: 'x', namespace: 'ns' };
const sink = { uri: 'http://sink.example' };
const tpl = { apiVersion: 'messaging.knative.dev/v1', kind: 'InMemoryChannel' };
const obj = <S>(kind: string, spec: S, extra: object = {}) => ({
  apiVersion: 'v',
  kind,
  metadata: { ...metadata, ...extra },
  spec,
});
const paths = (errs: { path: string }[]) => errs.map((e) => e.path);

describe('validateBroker', () => {
  const cls = { annotations: { 'eventing.knative.dev/broker.class': 'MTChannelBasedBroker' } };
  const cfg = { apiVersion: 'v1', kind: 'ConfigMap', name: 'c', namespace: 'knative-eventing' };
  it.each<[string, Broker, string[]]>([
    ['valid', obj('Broker', { config: cfg, delivery: { retry: 1 } }, cls), []],
    [
      'missing class',
      obj('Broker', {}),
      ['metadata.annotations[eventing.knative.dev/broker.class]'],
    ],
    [
      'incomplete config',
      obj('Broker', { config: { ...cfg, name: '' } }, cls),
      ['spec.config.name'],
    ],
    ['bad delivery', obj('Broker', { delivery: { retry: -2 } }, cls), ['spec.delivery.retry']],
  ])('%s', (_n, b, want) => {
    expect(paths(validateBroker(b))).toEqual(want);
  });
  it('rejects config in another namespace when the defaults disallow it', () => {
    expect(paths(validateBroker(obj('Broker', { config: cfg }, cls), {}, true))).toEqual([
      'spec.config.namespace',
    ]);
  });
});

describe('channels', () => {
  it.each<[string, Channel['spec'], string[]]>([
    ['valid', { channelTemplate: tpl }, []],
    ['missing template', {}, ['spec.channelTemplate']],
    [
      'template without kind',
      { channelTemplate: { apiVersion: 'v', kind: '' } },
      ['spec.channelTemplate.kind'],
    ],
    [
      'bad delivery',
      { channelTemplate: tpl, delivery: { backoffPolicy: 'x' as never } },
      ['spec.delivery.backoffPolicy'],
    ],
  ])('Channel %s', (_n, spec, want) => {
    expect(paths(validateChannel(obj('Channel', spec)))).toEqual(want);
  });
  it.each<[string, Channel['spec'], string[]]>([
    ['subscriber with uri', { subscribers: [{ uid: 'u', subscriberUri: 'http://s' }] }, []],
    ['reply only', { subscribers: [{ uid: 'u', replyUri: 'http://r' }] }, []],
    [
      'neither uri',
      { subscribers: [{ uid: 'u' }] },
      ['spec.subscribers[0].replyUri, spec.subscribers[0].subscriberUri'],
    ],
    [
      'bad subscriber delivery',
      { subscribers: [{ subscriberUri: 'http://s', delivery: { retry: -1 } }] },
      ['spec.subscribers[0].delivery.retry'],
    ],
  ])('InMemoryChannel %s', (_n, spec, want) => {
    expect(paths(validateInMemoryChannel(obj('InMemoryChannel', spec)))).toEqual(want);
  });
});

describe('validateKafkaChannel', () => {
  const ok: KafkaChannelSpec = {
    numPartitions: 1,
    replicationFactor: 1,
    retentionDuration: 'PT168H',
  };
  it.each<[string, KafkaChannelSpec, string[]]>([
    ['valid', ok, []],
    ['zero partitions', { ...ok, numPartitions: 0 }, ['spec.numPartitions']],
    ['negative replication', { ...ok, replicationFactor: -1 }, ['spec.replicationFactor']],
    ['bad retention', { ...ok, retentionDuration: '7d' }, ['spec.retentionDuration']],
    ['undefaulted', {}, ['spec.numPartitions', 'spec.replicationFactor', 'spec.retentionDuration']],
  ])('%s', (_n, spec, want) => {
    expect(paths(validateKafkaChannel(obj('KafkaChannel', spec) as KafkaChannel))).toEqual(want);
  });
});

describe('flows', () => {
  it.each<[string, Partial<SequenceSpec>, string[]]>([
    [
      'valid',
      { steps: [{ uri: 'http://a' }], channelTemplate: tpl, reply: { uri: 'http://r' } },
      [],
    ],
    ['no steps', { steps: [], channelTemplate: tpl }, ['spec.steps']],
    ['invalid step', { steps: [{ uri: '/rel' }], channelTemplate: tpl }, ['spec.steps[0].uri']],
    [
      'bad step delivery',
      { steps: [{ uri: 'http://a', delivery: { retry: -1 } }], channelTemplate: tpl },
      ['spec.steps[0].delivery.retry'],
    ],
    ['no template', { steps: [{ uri: 'http://a' }] }, ['spec.channelTemplate']],
    [
      'bad reply',
      { steps: [{ uri: 'http://a' }], channelTemplate: tpl, reply: {} },
      ['spec.reply.ref, spec.reply.uri'],
    ],
  ])('Sequence %s', (_n, spec, want) => {
    expect(paths(validateSequence(obj('Sequence', spec) as Sequence))).toEqual(want);
  });
  it.each<[string, Partial<ParallelSpec>, string[]]>([
    [
      'valid',
      {
        branches: [{ filter: { uri: 'http://f' }, subscriber: { uri: 'http://s' } }],
        channelTemplate: tpl,
      },
      [],
    ],
    ['no branches', { branches: [], channelTemplate: tpl }, ['spec.branches']],
    [
      'bad subscriber',
      { branches: [{ subscriber: {} }], channelTemplate: tpl },
      ['spec.branches[0].subscriber.ref, spec.branches[0].subscriber.uri'],
    ],
    [
      'bad filter and reply',
      {
        branches: [
          { filter: { uri: '/f' }, subscriber: { uri: 'http://s' }, reply: { uri: '/r' } },
        ],
        channelTemplate: tpl,
      },
      ['spec.branches[0].filter.uri', 'spec.branches[0].reply.uri'],
    ],
    ['no template', { branches: [{ subscriber: { uri: 'http://s' } }] }, ['spec.channelTemplate']],
  ])('Parallel %s', (_n, spec, want) => {
    expect(paths(validateParallel(obj('Parallel', spec) as Parallel))).toEqual(want);
  });
});

describe('validatePingSource', () => {
  it.each<[string, Partial<PingSourceSpec>, string[]]>([
    ['valid', { schedule: '*/5 * * * *', sink }, []],
    [
      'with seconds and time zone',
      { schedule: '0 0 9 * * MON-FRI', timezone: 'Europe/Paris', sink },
      [],
    ],
    ['descriptor', { schedule: '@hourly', sink }, []],
    ['@every rejected', { schedule: '@every 1m', sink }, ['spec.schedule']],
    ['bad schedule', { schedule: '61 * * * *', sink }, ['spec.schedule']],
    ['too few fields', { schedule: '* * *', sink }, ['spec.schedule']],
    ['bad time zone', { schedule: '* * * * *', timezone: 'Mars/Olympus', sink }, ['spec.timezone']],
    [
      'data and dataBase64',
      { schedule: '* * * * *', data: 'a', dataBase64: 'YQ==', sink },
      ['spec.data, spec.dataBase64'],
    ],
    [
      'bad JSON data',
      { schedule: '* * * * *', contentType: 'application/json', data: '{', sink },
      ['spec.data'],
    ],
    [
      'good JSON data',
      { schedule: '* * * * *', contentType: 'application/json', data: '{"a":1}', sink },
      [],
    ],
    ['bad base64', { schedule: '* * * * *', dataBase64: '!!', sink }, ['spec.dataBase64']],
    [
      'base64 not JSON',
      { schedule: '* * * * *', contentType: 'application/json', dataBase64: 'ew==', sink },
      ['spec.dataBase64'],
    ],
    ['missing sink', { schedule: '* * * * *' }, ['spec.sink.ref, spec.sink.uri']],
    [
      'bad extension',
      { schedule: '* * * * *', sink, ceOverrides: { extensions: { 'Bad-Key': 'x' } } },
      ['spec.ceOverrides.extensions[Bad-Key]'],
    ],
  ])('%s', (_n, spec, want) => {
    expect(paths(validatePingSource(obj('PingSource', spec) as PingSource))).toEqual(want);
  });
});

describe('validateApiServerSource', () => {
  const resources = [{ apiVersion: 'v1', kind: 'Event' }];
  it.each<[string, Partial<ApiServerSourceSpec>, string[]]>([
    ['valid', { mode: 'Reference', resources, sink }, []],
    ['bad mode', { mode: 'Other' as never, resources, sink }, ['spec.mode']],
    ['no resources', { mode: 'Resource', resources: [], sink }, ['spec.resources']],
    [
      'bad resource',
      { mode: 'Resource', resources: [{ apiVersion: 'a/b/c', kind: ' ' }], sink },
      ['spec.resources[0].apiVersion', 'spec.resources[0].kind'],
    ],
    [
      'bad owner',
      { mode: 'Resource', resources, owner: { apiVersion: 'apps/v1', kind: '' }, sink },
      ['spec.owner.kind'],
    ],
    [
      'bad filter',
      { mode: 'Resource', resources, filters: [{ exact: { A: 'x' } }], sink },
      ['spec.filters[0].exact[A]'],
    ],
    [
      'bad selectors',
      {
        mode: 'Resource',
        resources: [
          {
            apiVersion: 'v1',
            kind: 'Pod',
            selector: { matchExpressions: [{ key: 'app', operator: 'In' }] },
          },
        ],
        namespaceSelector: { matchLabels: { 'bad key!': 'x' } },
        sink,
      },
      [
        'spec.resources[0].selector.matchExpressions[0].values',
        'spec.namespaceSelector.matchLabels[bad key!]',
      ],
    ],
    [
      'bad serviceAccountName',
      { mode: 'Resource', resources, serviceAccountName: 'Not_Valid', sink },
      ['spec.serviceAccountName'],
    ],
    [
      'valid selectors and ServiceAccount',
      {
        mode: 'Resource',
        resources: [
          {
            apiVersion: 'v1',
            kind: 'Pod',
            selector: { matchLabels: { 'app.kubernetes.io/name': 'x' } },
          },
        ],
        namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'Exists' }] },
        serviceAccountName: 'events-sa',
        sink,
      },
      [],
    ],
  ])('%s', (_n, spec, want) => {
    expect(paths(validateApiServerSource(obj('ApiServerSource', spec) as ApiServerSource))).toEqual(
      want,
    );
  });
});

describe('validateContainerSource / validateSinkBinding', () => {
  it.each<[string, Partial<ContainerSourceSpec>, string[]]>([
    ['valid', { sink, template: { spec: { containers: [{ name: 'a', image: 'img' }] } } }, []],
    ['no containers', { sink, template: {} }, ['spec.template.spec.containers']],
    [
      'container without image',
      { sink, template: { spec: { containers: [{ name: 'a' }] } } },
      ['spec.template.spec.containers[0].image'],
    ],
  ])('ContainerSource %s', (_n, spec, want) => {
    expect(paths(validateContainerSource(obj('ContainerSource', spec) as ContainerSource))).toEqual(
      want,
    );
  });
  const subject = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ns' };
  it.each<[string, Partial<SinkBindingSpec>, string[]]>([
    ['by name', { sink, subject: { ...subject, name: 'd' } }, []],
    ['by selector', { sink, subject: { ...subject, selector: { matchLabels: { a: 'b' } } } }, []],
    [
      'both',
      { sink, subject: { ...subject, name: 'd', selector: {} } },
      ['spec.subject.name, spec.subject.selector'],
    ],
    ['neither', { sink, subject }, ['spec.subject.name, spec.subject.selector']],
    [
      'missing namespace',
      { sink, subject: { apiVersion: 'v', kind: 'k', name: 'd' } },
      ['spec.subject.namespace'],
    ],
  ])('SinkBinding %s', (_n, spec, want) => {
    expect(paths(validateSinkBinding(obj('SinkBinding', spec) as SinkBinding))).toEqual(want);
  });
});
