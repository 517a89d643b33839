/**
 * What the KafkaChannel reconciler asks of Kafka, behind a small interface so the
 * reconciler is tested with a fake: create a topic, delete it, and tell whether consumer
 * groups are consuming. Failures carry a reason a user can act on: `KafkaUnreachable`,
 * or Kafka's own error code in CamelCase (e.g. `InvalidReplicationFactor`).
 */
import type { Logger } from '@knative-ts/reconciler';
import type { KafkaConnection } from '@knative-ts/types';
import type { Admin, Kafka, LogEntry, SASLOptions } from 'kafkajs';

/** A topic as a KafkaChannel's spec describes it. */
export interface TopicSpec {
  topic: string;
  numPartitions: number;
  replicationFactor: number;
  retentionMs: number;
}

/** A failed Kafka request: `reason` for the condition, `message` from Kafka. */
export class KafkaAdminError extends Error {
  constructor(
    readonly reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KafkaAdminError';
  }
}

/** Whether one consumer group is consuming, and if not, what Kafka says about it. */
export interface GroupState {
  consuming: boolean;
  message?: string;
}

export interface KafkaAdmin {
  /** Creates the topic unless it exists; 'exists' leaves an existing topic as it is. */
  ensureTopic(connection: KafkaConnection, spec: TopicSpec): Promise<'created' | 'exists'>;
  /** Deletes the topic; a topic that is already gone is not an error. */
  deleteTopic(connection: KafkaConnection, topic: string): Promise<void>;
  /** The state of each group: consuming = Stable with at least one member. */
  groupStates(connection: KafkaConnection, groups: string[]): Promise<Map<string, GroupState>>;
  close(): Promise<void>;
}

/** `INVALID_REPLICATION_FACTOR` → `InvalidReplicationFactor`. */
export function camelReason(type: string): string {
  return type
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

interface KafkaJsErrorShape {
  name?: string;
  type?: string;
  message?: string;
  errors?: KafkaJsErrorShape[];
  retriable?: boolean;
  /** What KafkaJSNumberOfRetriesExceeded gave up on. */
  cause?: KafkaJsErrorShape;
}

/** The KafkaAdminError for whatever kafkajs threw. */
export function classify(err: unknown): KafkaAdminError {
  const e = (err ?? {}) as KafkaJsErrorShape;
  // createTopics reports per-topic errors inside an aggregate; a retried request (deleting
  // a topic that does not exist) wraps the broker's error in NumberOfRetriesExceeded.
  const inner = e.errors?.find((x) => x.type) ?? (e.cause?.type ? e.cause : e);
  if (inner.type)
    return new KafkaAdminError(camelReason(inner.type), inner.message ?? inner.type, {
      cause: err,
    });
  const connection = /Connection|NumberOfRetriesExceeded|BrokerNotFound|ECONNREFUSED|timed? ?out/i;
  const text = `${e.name ?? ''} ${e.message ?? ''}`;
  if (connection.test(text)) {
    return new KafkaAdminError(
      'KafkaUnreachable',
      `Kafka is unreachable: ${e.message ?? String(err)}`,
      { cause: err },
    );
  }
  return new KafkaAdminError('KafkaRequestFailed', e.message ?? String(err), { cause: err });
}

/** The kafkajs implementation: one connected Admin per distinct connection. */
export class KafkaJsAdmin implements KafkaAdmin {
  private readonly admins = new Map<string, Promise<Admin>>();

  constructor(private readonly log: Logger) {}

  async ensureTopic(connection: KafkaConnection, spec: TopicSpec): Promise<'created' | 'exists'> {
    try {
      return await this.createTopic(connection, spec);
    } catch (err) {
      if (!(err instanceof KafkaAdminError) || err.reason !== 'InvalidReplicationFactor') throw err;
      // kafkajs drops the broker's detail; say what the user can change.
      const brokers = await this.request(
        connection,
        async (a) => (await a.describeCluster()).brokers.length,
      );
      throw new KafkaAdminError(
        err.reason,
        `${err.message}: replicationFactor ${spec.replicationFactor} exceeds the ${brokers} broker(s) of the cluster`,
        { cause: err },
      );
    }
  }

  private async createTopic(
    connection: KafkaConnection,
    spec: TopicSpec,
  ): Promise<'created' | 'exists'> {
    return this.request(connection, async (admin) => {
      const created = await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: spec.topic,
            numPartitions: spec.numPartitions,
            replicationFactor: spec.replicationFactor,
            configEntries: [{ name: 'retention.ms', value: String(spec.retentionMs) }],
          },
        ],
      });
      return created ? 'created' : 'exists';
    });
  }

  async deleteTopic(connection: KafkaConnection, topic: string): Promise<void> {
    try {
      await this.request(connection, (admin) => admin.deleteTopics({ topics: [topic] }));
    } catch (err) {
      if (err instanceof KafkaAdminError && err.reason === 'UnknownTopicOrPartition') return;
      throw err;
    }
  }

  async groupStates(
    connection: KafkaConnection,
    groups: string[],
  ): Promise<Map<string, GroupState>> {
    const states = new Map<string, GroupState>();
    if (groups.length === 0) return states;
    const { groups: described } = await this.request(connection, (admin) =>
      admin.describeGroups(groups),
    );
    for (const g of described) {
      const consuming = g.state === 'Stable' && g.members.length > 0;
      states.set(
        g.groupId,
        consuming
          ? { consuming }
          : {
              consuming,
              message: `consumer group ${g.groupId} is ${g.state} with ${g.members.length} member(s)`,
            },
      );
    }
    return states;
  }

  async close(): Promise<void> {
    const admins = [...this.admins.values()];
    this.admins.clear();
    await Promise.all(
      admins.map((a) =>
        a
          .then((admin) => admin.disconnect())
          .catch((err: unknown) => this.log.debug({ err }, 'Kafka admin close failed')),
      ),
    );
  }

  private async request<T>(
    connection: KafkaConnection,
    fn: (admin: Admin) => Promise<T>,
  ): Promise<T> {
    const key = JSON.stringify(connection);
    try {
      return await fn(await this.admin(key, connection));
    } catch (err) {
      const classified = classify(err);
      // A dead connection is rebuilt on the next request.
      if (classified.reason === 'KafkaUnreachable') this.forget(key);
      throw classified;
    }
  }

  private admin(key: string, connection: KafkaConnection): Promise<Admin> {
    let admin = this.admins.get(key);
    if (admin === undefined) {
      admin = (async () => {
        const a = (await this.kafka(connection)).admin({ retry: { retries: 2 } });
        await a.connect();
        return a;
      })();
      this.admins.set(key, admin);
      admin.catch(() => this.forget(key));
    }
    return admin;
  }

  private forget(key: string): void {
    const admin = this.admins.get(key);
    this.admins.delete(key);
    void admin
      ?.then((a) => a.disconnect())
      .catch((err: unknown) => this.log.debug({ err }, 'closing a failed Kafka admin failed'));
  }

  private async kafka(connection: KafkaConnection): Promise<Kafka> {
    // Loaded with the first KafkaChannel, not at start: kafkajs holds about 4 MiB of heap
    // that a controller without Kafka never needs.
    const { Kafka, logLevel } = await import('kafkajs');
    const log = this.log;
    return new Kafka({
      clientId: 'eventing-controller',
      brokers: connection.brokers,
      ...(connection.ssl !== undefined && { ssl: connection.ssl }),
      ...(connection.sasl !== undefined && { sasl: connection.sasl as SASLOptions }),
      connectionTimeout: 3_000,
      requestTimeout: 10_000,
      retry: { retries: 2 },
      logLevel: logLevel.WARN,
      logCreator:
        () =>
        ({ log: entry }: LogEntry) => {
          const { message, ...fields } = entry;
          // The reconciler reports failures in status and Events; kafkajs's lines are detail.
          log.debug({ kafkajs: fields }, `kafkajs: ${message}`);
        },
    });
  }
}
