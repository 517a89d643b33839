import type { Subscription, SubscriptionSpec } from './subscription.js';
import { validateSubscription } from './subscription-validation.js';

const channel = { apiVersion: 'messaging.knative.dev/v1', kind: 'Channel', name: 'ch' };
const sub = (spec: Partial<SubscriptionSpec>): Subscription => ({
  apiVersion: 'messaging.knative.dev/v1',
  kind: 'Subscription',
  metadata: { name: 's', namespace: 'ns' },
  spec: spec as SubscriptionSpec,
});

describe('validateSubscription', () => {
  it.each<[string, Partial<SubscriptionSpec>, string[]]>([
    ['subscriber only', { channel, subscriber: { uri: 'http://x' } }, []],
    ['reply only', { channel, reply: { uri: 'http://x' } }, []],
    ['missing channel', { subscriber: { uri: 'http://x' } }, ['spec.channel']],
    ['empty channel', { channel: { apiVersion: '', kind: '', name: '' } }, ['spec.channel']],
    [
      'channel without name',
      { channel: { ...channel, name: '' }, reply: { uri: 'http://x' } },
      ['spec.channel.name'],
    ],
    [
      'channel in another namespace',
      { channel: { ...channel, namespace: 'other' }, reply: { uri: 'http://x' } },
      ['spec.channel.namespace'],
    ],
    ['neither subscriber nor reply', { channel }, ['spec.reply, spec.subscriber']],
    [
      'empty subscriber and reply',
      { channel, subscriber: {}, reply: {} },
      ['spec.reply, spec.subscriber'],
    ],
    ['invalid subscriber', { channel, subscriber: { uri: '/rel' } }, ['spec.subscriber.uri']],
    [
      'invalid reply',
      { channel, subscriber: { uri: 'http://x' }, reply: { uri: '/rel' } },
      ['spec.reply.uri'],
    ],
    [
      'invalid delivery',
      { channel, subscriber: { uri: 'http://x' }, delivery: { retry: -1 } },
      ['spec.delivery.retry'],
    ],
  ])('%s', (_n, spec, paths) => {
    expect(validateSubscription(sub(spec)).map((e) => e.path)).toEqual(paths);
  });
});
