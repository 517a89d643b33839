/**
 * Keeps the channel table in step with the InMemoryChannels of every namespace: each change
 * is compiled once (delivery configs included) into a table entry with a sender that
 * reports the channel's metrics, then the subscriber status is queued for writing.
 */
import {
  Sender,
  type DeliveryObserver,
  type HttpTransport,
  type SenderOptions,
} from '@knative-ts/delivery';
import type { KubeClient } from '@knative-ts/kube';
import { Informer, type Logger } from '@knative-ts/reconciler';
import type { InMemoryChannel } from '@knative-ts/types';
import { compileChannel } from './channel-config.js';
import { ChannelTable } from '@knative-ts/delivery';
import type { ChannelEntry } from './fanout.js';
import { StatusWriter } from './status-writer.js';

export interface ChannelWatcherOptions {
  client: KubeClient;
  /** Shared by every channel's sender: one keep-alive pool per destination origin. */
  transport: HttpTransport;
  clusterDomain: string;
  /**
   * broker-filter's host (`broker-filter.<system namespace>.svc.<cluster domain>`): a dead
   * letter for a failed delivery to it names the trigger's subscriber from broker-filter's
   * error body. Default: the Sender's (`broker-filter.knative-eventing.svc.cluster.local`).
   */
  brokerFilterHost?: string;
  /** The observer (metrics, failure log) for deliveries of channels in `namespace`. */
  observer(namespace: string): DeliveryObserver;
  /** Bounds and feature flags every channel's sender runs under. */
  senderOptions?: Pick<SenderOptions, 'limits' | 'features' | 'localDestinations'>;
  log: Logger;
  /** Injected for tests; defaults to an all-namespaces InMemoryChannel informer. */
  informer?: Informer<InMemoryChannel>;
}

/** The InMemoryChannel informer, the table it feeds and the status writer. */
export class ChannelWatcher {
  readonly table = new ChannelTable<ChannelEntry>();
  readonly informer: Informer<InMemoryChannel>;
  readonly statusWriter: StatusWriter;
  private readonly observers = new Map<string, DeliveryObserver>();

  constructor(private readonly options: ChannelWatcherOptions) {
    this.informer =
      options.informer ??
      new Informer<InMemoryChannel>({
        client: options.client,
        apiVersion: 'messaging.knative.dev/v1',
        kind: 'InMemoryChannel',
        logger: options.log,
      });
    this.statusWriter = new StatusWriter({
      client: options.client,
      log: options.log,
      lookup: (namespace, name) => {
        const imc = this.informer.cache.get(namespace, name);
        const config = this.table.get(namespace, name);
        return imc && config ? { imc, config } : undefined;
      },
    });
    this.informer.addEventHandler({
      onAdd: (imc) => this.load(imc),
      onUpdate: (_old, imc) => this.load(imc),
      onDelete: (imc) => this.unload(imc),
    });
  }

  start(): void {
    this.informer.start();
    this.statusWriter.start();
  }

  /** Ready once the first list of channels is in the table. */
  ready(): boolean {
    return this.informer.hasSynced();
  }

  async stop(): Promise<void> {
    await this.statusWriter.stop();
    await this.informer.stop();
  }

  /** Compiles `imc` into the table (replacing its previous entry) and queues its status. */
  load(imc: InMemoryChannel): void {
    const config = compileChannel(imc, this.options.clusterDomain);
    const { transport, brokerFilterHost } = this.options;
    const sender = new Sender({
      ...this.options.senderOptions,
      transport,
      observer: this.observerFor(config.namespace),
      ...(brokerFilterHost === undefined ? {} : { brokerFilterHost }),
    });
    this.table.set({ ...config, sender });
    if (config.rejected.length > 0) {
      this.options.log.warn(
        { channel: `${config.namespace}/${config.name}`, rejected: config.rejected },
        'subscribers not loaded',
      );
    }
    this.statusWriter.enqueue(imc);
  }

  unload(imc: InMemoryChannel): void {
    this.table.delete(imc.metadata.namespace ?? '', imc.metadata.name ?? '');
  }

  private observerFor(namespace: string): DeliveryObserver {
    let observer = this.observers.get(namespace);
    if (observer === undefined) {
      observer = this.options.observer(namespace);
      this.observers.set(namespace, observer);
    }
    return observer;
  }
}
