/**
 * Connects to NATS in the background and keeps trying until it can: a dispatcher started
 * before NATS (or with NATS down) stays alive and not ready, answering 503, instead of
 * crash-looping. Once connected the client reconnects by itself.
 */
import type { Nats } from '@knative-ts/nats';
import type { Logger } from '@knative-ts/reconciler';

export interface NatsConnectorOptions {
  connect: () => Promise<Nats>;
  onConnected: (nats: Nats) => void;
  log: Logger;
  retryMs?: number;
}

export class NatsConnector {
  private nats: Nats | undefined;
  private stopped = false;
  private attempt: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: NatsConnectorOptions) {}

  start(): void {
    this.attempt ??= this.tryConnect();
  }

  current(): Nats | undefined {
    return this.nats;
  }

  /** Whether the connection is up right now (not closed, not reconnecting). */
  connected(): boolean {
    const c = this.nats?.connection;
    return c !== undefined && !c.isClosed() && !c.isDraining() && c.info !== undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.attempt;
    await this.nats?.close();
  }

  private async tryConnect(): Promise<void> {
    try {
      this.nats = await this.options.connect();
      this.options.log.info({ server: this.nats.connection.getServer() }, 'connected to NATS');
      this.options.onConnected(this.nats);
    } catch (err) {
      this.options.log.error({ err }, 'cannot connect to NATS, retrying');
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.attempt = this.tryConnect();
      }, this.options.retryMs ?? 2000);
    }
  }
}
