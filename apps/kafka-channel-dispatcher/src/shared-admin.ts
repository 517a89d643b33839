/** One kafkajs Admin for the process, connected on first use and again after a failure. */
import type { Admin, Kafka } from 'kafkajs';

export class SharedAdmin {
  private admin: Promise<Admin> | undefined;

  constructor(private readonly kafka: Pick<Kafka, 'admin'>) {}

  /** The connected admin; a failed connection is forgotten so the next call retries. */
  get(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    this.admin.catch(() => (this.admin = undefined));
    return this.admin;
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
  }
}
