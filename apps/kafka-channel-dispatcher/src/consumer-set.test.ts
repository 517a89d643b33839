import { compileDelivery } from '@knative-ts/delivery';
import { createLogger } from '@knative-ts/runtime';
import type { ChannelConfig, CompiledSubscriber } from './channel-config.js';
import { ConsumerSet, type RunningConsumer } from './consumer-set.js';

const log = createLogger({ component: 'test', level: 'silent' });
const sub = (uid: string, subscriber = `http://${uid}/`): CompiledSubscriber => ({
  uid,
  group: `kafka.ns.ch.${uid}`,
  subscriber,
  config: compileDelivery(undefined),
});
const channel = (
  subs: CompiledSubscriber[],
  extra: Partial<ChannelConfig> = {},
): ChannelConfig => ({
  namespace: 'ns',
  name: 'ch',
  uid: 'uid',
  host: 'ch-kn-channel.ns.svc.cluster.local',
  topic: 'knative-messaging-kafka.ns.ch',
  topicReady: true,
  order: 'ordered',
  subscribers: subs,
  rejected: [],
  ...extra,
});

function harness() {
  const log_: string[] = [];
  const currents = new Map<string, () => CompiledSubscriber | undefined>();
  const set = new ConsumerSet((ch, s, current) => {
    currents.set(s.uid, current);
    const c: RunningConsumer = {
      start: () => void log_.push(`start ${s.uid} ${ch.order}`),
      stop: async () => void log_.push(`stop ${s.uid}`),
      isJoined: () => true,
    };
    return c;
  }, log);
  return { set, log: log_, currents };
}

describe('ConsumerSet', () => {
  it('starts a consumer per subscriber and stops removed ones', async () => {
    const h = harness();
    h.set.sync('ns/ch', channel([sub('a'), sub('b')]));
    h.set.sync('ns/ch', channel([sub('b')]));
    await h.set.stop();
    expect(h.log).toEqual(['start a ordered', 'start b ordered', 'stop a', 'stop b']);
  });

  it('waits for the topic, and stops everything when the channel goes', async () => {
    const h = harness();
    h.set.sync('ns/ch', channel([sub('a')], { topicReady: false }));
    expect(h.log).toEqual([]);
    h.set.sync('ns/ch', channel([sub('a')]));
    h.set.sync('ns/ch', undefined);
    await h.set.stop();
    expect(h.log).toEqual(['start a ordered', 'stop a']);
    expect(h.set.size).toBe(0);
  });

  it('hands a running consumer the new config without a restart, and restarts on a new order', async () => {
    const h = harness();
    h.set.sync('ns/ch', channel([sub('a')]));
    h.set.sync('ns/ch', channel([sub('a', 'http://elsewhere/')]));
    expect(h.currents.get('a')?.()?.subscriber).toBe('http://elsewhere/');
    h.set.sync('ns/ch', channel([sub('a')], { order: 'unordered' }));
    await h.set.stop();
    expect(h.log).toEqual(['start a ordered', 'stop a', 'start a unordered', 'stop a']);
  });

  it('tells a stopped consumer its subscriber is gone', () => {
    const h = harness();
    h.set.sync('ns/ch', channel([sub('a')]));
    const current = h.currents.get('a');
    h.set.sync('ns/ch', channel([]));
    expect(current?.()).toBeUndefined();
  });
});
