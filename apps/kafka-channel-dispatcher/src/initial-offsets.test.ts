import { initializeOffsets, type OffsetsAdmin } from './initial-offsets.js';

/** An admin over fixed committed offsets and topic ends; records setOffsets calls. */
function fakeAdmin(committed: string[], opts: { setFails?: boolean; members?: number } = {}) {
  const set: unknown[] = [];
  const admin = {
    fetchOffsets: async () => [
      { topic: 't', partitions: committed.map((offset, partition) => ({ partition, offset })) },
    ],
    fetchTopicOffsets: async () =>
      committed.map((_, partition) => ({
        partition,
        offset: '9',
        high: String(10 + partition),
        low: '0',
      })),
    setOffsets: async (o: unknown) => {
      if (opts.setFails) throw new Error('The consumer group must have no running instances');
      set.push(o);
    },
    describeGroups: async () => ({
      groups: [{ members: Array.from({ length: opts.members ?? 0 }) }],
    }),
  } as unknown as OffsetsAdmin;
  return { admin, set };
}

describe('initializeOffsets', () => {
  it('resumes a group that committed every partition', async () => {
    const { admin, set } = fakeAdmin(['5', '7']);
    expect(await initializeOffsets(admin, 'g', 't')).toBe('resumed');
    expect(set).toEqual([]);
  });

  it('commits the end of every partition without an offset', async () => {
    const { admin, set } = fakeAdmin(['-1', '7', '-1']);
    expect(await initializeOffsets(admin, 'g', 't')).toBe('initialized');
    expect(set).toEqual([
      {
        groupId: 'g',
        topic: 't',
        partitions: [
          { partition: 0, offset: '10' },
          { partition: 2, offset: '12' },
        ],
      },
    ]);
  });

  it('leaves a group another replica already runs alone', async () => {
    const { admin } = fakeAdmin(['-1'], { setFails: true, members: 1 });
    expect(await initializeOffsets(admin, 'g', 't')).toBe('group-active');
  });

  it('fails when the offsets could not be set and nobody consumes', async () => {
    const { admin } = fakeAdmin(['-1'], { setFails: true, members: 0 });
    await expect(initializeOffsets(admin, 'g', 't')).rejects.toThrow('no running instances');
  });
});
