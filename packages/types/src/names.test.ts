import { createHash } from 'node:crypto';
import {
  apiServerSourceDeploymentName,
  brokerTriggerChannelName,
  channelHostName,
  channelServiceName,
  childName,
  containerSourceDeploymentName,
  containerSourceSinkBindingName,
  jetStreamConsumerName,
  jetStreamStreamName,
  jetStreamSubject,
  kafkaChannelConsumerGroup,
  kafkaChannelTopicName,
  parallelBranchName,
  parallelFilterSubscriptionName,
  parallelIngressChannelName,
  sequenceChannelName,
  serviceHostName,
  triggerSubscriptionName,
} from './names.js';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const long = 'a'.repeat(70);

describe('childName', () => {
  it.each([
    ['short names are concatenated', 'parent', '-suffix', 'parent-suffix'],
    ['exactly 63 is kept', 'a'.repeat(56), '-suffix', `${'a'.repeat(56)}-suffix`],
    [
      '64 hashes the parent and keeps the suffix',
      'a'.repeat(57),
      '-suffix',
      `${'a'.repeat(24)}${md5('a'.repeat(57))}-suffix`,
    ],
    [
      'a 31-char suffix hashes parent + suffix',
      long,
      'b'.repeat(31),
      `${'a'.repeat(31)}${md5(long + 'b'.repeat(31))}`,
    ],
    [
      'a long suffix pads with its beginning when the parent is short',
      'p',
      's'.repeat(70),
      `p${md5('p' + 's'.repeat(70))}${'s'.repeat(30)}`,
    ],
    [
      'trailing non-alphanumerics are trimmed',
      `${'a'.repeat(30)}-`,
      `${'-'.repeat(40)}`,
      `${'a'.repeat(30)}-${md5(`${'a'.repeat(30)}-${'-'.repeat(40)}`)}`,
    ],
  ])('%s', (_n, parent, suffix, want) => {
    const got = childName(parent, suffix);
    expect(got).toBe(want);
    expect(got.length).toBeLessThanOrEqual(63);
  });

  it('hashing keeps different parents apart', () => {
    expect(childName(`${long}x`, '-s')).not.toBe(childName(`${long}y`, '-s'));
  });
});

describe('resource names', () => {
  it.each([
    [channelServiceName('foo'), 'foo-kn-channel'],
    [channelHostName('foo', 'ns'), 'foo-kn-channel.ns.svc.cluster.local'],
    [channelHostName('foo', 'ns', 'example.org'), 'foo-kn-channel.ns.svc.example.org'],
    [serviceHostName('svc', 'ns'), 'svc.ns.svc.cluster.local'],
    [brokerTriggerChannelName('default'), 'default-kne-trigger'],
    [triggerSubscriptionName('default', 't1', 'uid-1'), 'default-t1-uid-1'],
    [sequenceChannelName('seq', 2), 'seq-kn-sequence-2'],
    [parallelIngressChannelName('p'), 'p-kn-parallel'],
    [parallelBranchName('p', 1), 'p-kn-parallel-1'],
    [parallelFilterSubscriptionName('p', 1), 'p-kn-parallel-filter-1'],
    [containerSourceSinkBindingName('cs'), 'cs-sinkbinding'],
    [containerSourceDeploymentName('cs'), 'cs-deployment'],
    [apiServerSourceDeploymentName('src', 'u1'), 'apiserversource-src-u1'],
    [kafkaChannelTopicName('ns', 'kc'), 'knative-messaging-kafka.ns.kc'],
    [kafkaChannelConsumerGroup('ns', 'kc', 'u-1'), 'kafka.ns.kc.u-1'],
    [jetStreamStreamName('my-ns', 'my-ch'), 'KN_MY_NS__MY_CH'],
    [jetStreamStreamName('knative-eventing', 'my-channel'), 'KN_KNATIVE_EVENTING__MY_CHANNEL'],
    [jetStreamSubject('my-ns', 'my-ch'), 'my-ns.my-ch._knative'],
    [
      jetStreamConsumerName('7d5c1c4e-9a3f-4b61-8f0e-2a1b3c4d5e6f'),
      'KN_SUB_7D5C1C4E9A3F4B618F0E2A1B3C4D5E6F',
    ],
  ])('%s', (got, want) => {
    expect(got).toBe(want);
  });

  it('hashes long trigger subscription names whole, as a 36-char uid leaves no room', () => {
    const uid = '0123456789abcdef0123456789abcdef0123';
    const parent = `${'b'.repeat(30)}-${'t'.repeat(30)}-`;
    const name = triggerSubscriptionName('b'.repeat(30), 't'.repeat(30), uid);
    expect(name).toBe(`${'b'.repeat(30)}-${md5(parent + uid)}`);
    expect(name).toHaveLength(63);
  });
});
