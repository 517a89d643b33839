import { createLogger } from '@knative-ts/runtime';
import type { Admin, Kafka } from 'kafkajs';
import { SharedAdmin } from './shared-admin.js';

const log = createLogger({ component: 'test', level: 'silent' });
const unknownTopic = Object.assign(new Error('This server does not host this topic-partition'), {
  type: 'UNKNOWN_TOPIC_OR_PARTITION',
});

/**
 * Admins that behave like kafkajs's: each remembers the topics it was asked about, and
 * fails every request once one of them is in `deleted`.
 */
function fakeKafka(deleted: Set<string>) {
  const admins: Array<{ topics: Set<string>; disconnected: boolean }> = [];
  const kafka = {
    admin: () => {
      const state = { topics: new Set<string>(), disconnected: false };
      admins.push(state);
      return {
        connect: async () => undefined,
        disconnect: async () => {
          state.disconnected = true;
        },
        fetchTopicOffsets: async (topic: string) => {
          state.topics.add(topic);
          if ([...state.topics].some((t) => deleted.has(t))) throw unknownTopic;
          return [{ partition: 0, offset: '0', high: '0', low: '0' }];
        },
      } as unknown as Admin;
    },
  } as unknown as Pick<Kafka, 'admin'>;
  return { kafka, admins };
}

const offsetsOf = (topic: string) => (admin: Admin) => admin.fetchTopicOffsets(topic);

describe('SharedAdmin', () => {
  it('shares one connected admin between requests', async () => {
    const { kafka, admins } = fakeKafka(new Set());
    const shared = new SharedAdmin(kafka, log, 0);
    await shared.run('a', offsetsOf('a'));
    await shared.run('b', offsetsOf('b'));
    expect(admins).toHaveLength(1);
    await shared.close();
    expect(admins[0]?.disconnected).toBe(true);
  });

  it('retries on a fresh admin when a deleted topic poisons the shared one', async () => {
    const deleted = new Set<string>();
    const { kafka, admins } = fakeKafka(deleted);
    const shared = new SharedAdmin(kafka, log, 0);
    await shared.run('old', offsetsOf('old'));
    deleted.add('old');
    await expect(shared.run('new', offsetsOf('new'))).resolves.toHaveLength(1);
    expect(admins).toHaveLength(2);
    await shared.close();
  });

  it('fails when the topic asked about is itself unknown, after one fresh try', async () => {
    const { kafka, admins } = fakeKafka(new Set(['missing']));
    const shared = new SharedAdmin(kafka, log, 0);
    await expect(shared.run('missing', offsetsOf('missing'))).rejects.toBe(unknownTopic);
    expect(admins).toHaveLength(2);
    await shared.close();
  });

  it.each([
    ['a topic it touched', 'old', 2],
    ['a topic it never touched', 'elsewhere', 1],
  ])('forgetting %s replaces the admin only then', async (_case, forgotten, adminsUsed) => {
    const { kafka, admins } = fakeKafka(new Set());
    const shared = new SharedAdmin(kafka, log, 0);
    await shared.run('old', offsetsOf('old'));
    shared.forgetTopic(forgotten);
    await shared.run('new', offsetsOf('new'));
    expect(admins).toHaveLength(adminsUsed);
    await shared.close();
    expect(admins.every((a) => a.disconnected)).toBe(true);
  });
});
