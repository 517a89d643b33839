/** One kafkajs Admin for the process, connected on first use and again after a failure. */
import type { Logger } from '@knative-ts/runtime';
import type { Admin, Kafka } from 'kafkajs';

export class SharedAdmin {
  private admin: Promise<Admin> | undefined;

  constructor(
    private readonly kafka: Pick<Kafka, 'admin'>,
    private readonly log: Logger,
  ) {}

  /** The connected admin; a failed connection is forgotten so the next call retries. */
  get(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    this.admin.catch((err: unknown) => {
      this.log.debug({ err }, 'Kafka admin did not connect; the next use retries');
      this.admin = undefined;
    });
    return this.admin;
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin
      ?.then((a) => a.disconnect())
      .catch((err: unknown) => this.log.debug({ err }, 'Kafka admin close failed'));
  }
}
