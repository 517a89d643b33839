/**
 * Keeps the ingress table and the consumer groups in step with the KafkaChannels of every
 * namespace: each change is compiled once into a table entry, then the channel's
 * consumers are aligned with its subscribers. Subscriber readiness is the controller's to
 * report (it asks Kafka whether each group is consuming), so nothing is written back here.
 */
import type { KubeClient } from '@knative-ts/kube';
import { Informer, type Logger } from '@knative-ts/reconciler';
import { MessagingV1beta1, type KafkaChannel } from '@knative-ts/types';
import { compileChannel, keepTopicReady, type ChannelConfig } from './channel-config.js';
import { ChannelTable } from '@knative-ts/delivery';
import type { ConsumerSet } from './consumer-set.js';

export interface ChannelWatcherOptions {
  client: KubeClient;
  clusterDomain: string;
  consumers: ConsumerSet;
  log: Logger;
  /**
   * A channel is gone, and with it its topic (the controller deletes the topic before it
   * lets the channel go): clients that touched the topic must drop it.
   */
  onTopicDeleted?(topic: string): void;
  /** Injected for tests; defaults to an all-namespaces KafkaChannel informer. */
  informer?: Informer<KafkaChannel>;
}

export class ChannelWatcher {
  readonly table = new ChannelTable<ChannelConfig>();
  readonly informer: Informer<KafkaChannel>;

  constructor(private readonly options: ChannelWatcherOptions) {
    this.informer =
      options.informer ??
      new Informer<KafkaChannel>({
        client: options.client,
        apiVersion: MessagingV1beta1,
        kind: 'KafkaChannel',
        logger: options.log,
      });
    this.informer.addEventHandler({
      onAdd: (kc) => this.load(kc),
      onUpdate: (_old, kc) => this.load(kc),
      onDelete: (kc) => this.unload(kc),
    });
  }

  start(): void {
    this.informer.start();
  }

  /** Ready once the first list of channels is in the table. */
  ready(): boolean {
    return this.informer.hasSynced();
  }

  async stop(): Promise<void> {
    await this.informer.stop();
  }

  load(kc: KafkaChannel): void {
    const compiled = compileChannel(kc, this.options.clusterDomain);
    const previous = this.table.get(compiled.namespace, compiled.name);
    const config = keepTopicReady(previous, compiled, Boolean(kc.metadata.deletionTimestamp));
    const key = `${config.namespace}/${config.name}`;
    this.table.set(config);
    if (config.rejected.length > 0) {
      this.options.log.warn({ channel: key, rejected: config.rejected }, 'subscribers not loaded');
    }
    this.options.consumers.sync(key, config);
  }

  unload(kc: KafkaChannel): void {
    const namespace = kc.metadata.namespace ?? '';
    const name = kc.metadata.name ?? '';
    const topic = this.table.get(namespace, name)?.topic;
    this.table.delete(namespace, name);
    this.options.consumers.sync(`${namespace}/${name}`, undefined);
    if (topic !== undefined) this.options.onTopicDeleted?.(topic);
  }
}
