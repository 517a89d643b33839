/**
 * A new subscription starts at the end of the topic, an existing one where it committed
 * (Knative's `InitOffsets`). The end is committed for every partition without an offset
 * before the group's first member joins: otherwise a member that died before its first
 * commit would restart at the then-latest end and skip what arrived in between.
 */
import type { Admin } from 'kafkajs';

/** What was found: every partition committed already, or the end just committed. */
export type OffsetsOutcome = 'resumed' | 'initialized' | 'group-active';

/** What of kafkajs's Admin this needs. */
export type OffsetsAdmin = Pick<
  Admin,
  'fetchOffsets' | 'fetchTopicOffsets' | 'setOffsets' | 'describeGroups'
>;

/** Commits the topic's end for partitions of `group` that have no offset yet. */
export async function initializeOffsets(
  admin: OffsetsAdmin,
  group: string,
  topic: string,
): Promise<OffsetsOutcome> {
  const committed = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  const partitions = committed.find((t) => t.topic === topic)?.partitions ?? [];
  const missing = partitions.filter((p) => Number(p.offset) < 0).map((p) => p.partition);
  if (partitions.length > 0 && missing.length === 0) return 'resumed';
  const ends = await admin.fetchTopicOffsets(topic);
  const wanted = ends.filter((e) => partitions.length === 0 || missing.includes(e.partition));
  try {
    await admin.setOffsets({
      groupId: group,
      topic,
      partitions: wanted.map((e) => ({ partition: e.partition, offset: e.high })),
    });
    return 'initialized';
  } catch (err) {
    // Another replica's member is already in the group: it set the offsets before joining.
    const { groups } = await admin.describeGroups([group]);
    if ((groups[0]?.members.length ?? 0) > 0) return 'group-active';
    throw err;
  }
}
