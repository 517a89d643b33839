import type { SubscriptionsAPIFilter, Trigger, TriggerSpec } from './trigger.js';
import { validateFilter, validateTrigger } from './trigger-validation.js';

const subscriber = { uri: 'http://sub.example' };
const trigger = (spec: Partial<TriggerSpec>, annotations?: Record<string, string>): Trigger => ({
  apiVersion: 'eventing.knative.dev/v1',
  kind: 'Trigger',
  metadata: { name: 't', namespace: 'ns', ...(annotations ? { annotations } : {}) },
  spec: spec as TriggerSpec,
});

describe('validateTrigger', () => {
  it.each<[string, Partial<TriggerSpec>, string[]]>([
    ['minimal', { broker: 'default', subscriber }, []],
    ['missing broker', { subscriber }, ['spec.broker']],
    ['missing subscriber', { broker: 'default' }, ['spec.subscriber.ref, spec.subscriber.uri']],
    [
      'valid attributes',
      { broker: 'b', subscriber, filter: { attributes: { type: 'x', source: '' } } },
      [],
    ],
    [
      'bad attribute name',
      { broker: 'b', subscriber, filter: { attributes: { Type: 'x', '1a': 'y' } } },
      ['spec.filter.attributes[Type]', 'spec.filter.attributes[1a]'],
    ],
    [
      'valid filters',
      { broker: 'b', subscriber, filters: [{ exact: { type: 'x' } }, { cesql: "type = 'x'" }] },
      [],
    ],
    [
      'two dialects in one filter',
      { broker: 'b', subscriber, filters: [{ exact: { type: 'x' }, prefix: { source: 'y' } }] },
      ['spec.filters[0]'],
    ],
    [
      'invalid delivery',
      { broker: 'b', subscriber, delivery: { backoffDelay: 'x' } },
      ['spec.delivery.backoffDelay'],
    ],
  ])('%s', (_n, spec, paths) => {
    expect(validateTrigger(trigger(spec)).map((e) => e.path)).toEqual(paths);
  });

  const dep = 'metadata.annotations[knative.dev/dependency]';
  const inj = 'metadata.annotations[eventing.knative.dev/injection]';
  it.each<[string, string, Record<string, string>, string[]]>([
    [
      'valid dependency',
      'b',
      {
        'knative.dev/dependency':
          '{"kind":"PingSource","name":"p","apiVersion":"sources.knative.dev/v1"}',
      },
      [],
    ],
    ['dependency not JSON', 'b', { 'knative.dev/dependency': 'nope' }, [dep]],
    [
      'dependency missing fields',
      'b',
      { 'knative.dev/dependency': '{"namespace":"other"}' },
      [`${dep}.namespace`, `${dep}.kind`, `${dep}.name`, `${dep}.apiVersion`],
    ],
    ['injection on default', 'default', { 'eventing.knative.dev/injection': 'enabled' }, []],
    ['injection bad value', 'default', { 'eventing.knative.dev/injection': 'yes' }, [inj]],
    ['injection on other broker', 'b', { 'eventing.knative.dev/injection': 'enabled' }, [inj]],
  ])('%s', (_n, broker, annotations, paths) => {
    expect(
      validateTrigger(trigger({ broker, subscriber }, annotations)).map((e) => e.path),
    ).toEqual(paths);
  });
});

describe('validateFilter', () => {
  it.each<[string, SubscriptionsAPIFilter, string[]]>([
    ['exact', { exact: { type: 'a' } }, []],
    ['prefix', { prefix: { type: 'a' } }, []],
    ['suffix', { suffix: { type: 'a' } }, []],
    ['exact with two keys', { exact: { type: 'a', source: 'b' } }, ['exact']],
    ['bad key in suffix', { suffix: { 'Bad-Key': 'a' } }, ['suffix[Bad-Key]']],
    [
      'nested all/any/not',
      { all: [{ any: [{ exact: { a: 'b' } }, { not: { prefix: { c: 'd' } } }] }] },
      [],
    ],
    ['invalid nested', { any: [{ not: { exact: { A: 'b' } } }] }, ['any[0].not.exact[A]']],
    ['not plus cesql', { not: { exact: { a: 'b' } }, cesql: 'true' }, ['']],
    ['all plus any', { all: [{ exact: { a: 'b' } }], any: [{ exact: { a: 'b' } }] }, ['']],
  ])('%s', (_n, f, paths) => {
    expect(validateFilter(f).map((e) => e.path)).toEqual(paths);
  });
});
