/**
 * Keeps the dispatcher in step with every NatssChannel and NatsJetStreamChannel: the
 * ingress table (by host and by `/<ns>/<name>`), one SubscriptionConsumer per subscriber
 * (created, updated when its consumer config changes, and deleted from the stream when the
 * subscriber goes away), and `status.subscribers`. Each channel is synced by one task at
 * a time; channels whose consumers could not be made yet (NATS down, stream not there
 * yet) are synced again every `retryMs`.
 */
import {
  prefilteredSender,
  Sender,
  type ChannelTable,
  type DeliveryObserver,
  type HttpTransport,
  type SenderOptions,
  type TriggerPrefilter,
} from '@knative-ts/delivery';
import type { KubeClient } from '@knative-ts/kube';
import type { Nats } from '@knative-ts/nats';
import { Informer, keyOf, type Logger } from '@knative-ts/reconciler';
import { JetStreamChannelKinds, MessagingV1alpha1, type NatssChannel } from '@knative-ts/types';
import { jetstream } from '@nats-io/jetstream';
import {
  compileChannel,
  type CompiledSubscriber,
  type JetStreamChannelConfig,
} from './channel-config.js';
import { deliverTo } from './delivery.js';
import {
  subscriberStatuses,
  writeSubscriberStatus,
  type ConsumerStates,
} from './subscriber-status.js';
import { STOP_GRACE_MS, SubscriptionConsumer } from './subscription-consumer.js';

export interface JetStreamChannelsOptions {
  client: KubeClient;
  table: ChannelTable<JetStreamChannelConfig>;
  transport: HttpTransport;
  clusterDomain: string;
  brokerFilterHost?: string;
  observer(namespace: string): DeliveryObserver;
  /** Bounds and feature flags every sender runs under (as the other dispatchers). */
  senderOptions?: Pick<SenderOptions, 'limits' | 'features' | 'localDestinations'>;
  /** Answers for broker-filter where a Trigger's filter rejects the event (then acked). */
  prefilter?: Pick<TriggerPrefilter, 'skipper'>;
  /** The connection, once there is one. */
  nats(): Nats | undefined;
  maxInFlight: number;
  log: Logger;
  retryMs?: number;
}

interface Running {
  consumer: SubscriptionConsumer;
  channelKey: string;
  /** What the consumer was built from; a change means a new consumer loop. */
  signature: string;
}

export class JetStreamChannels {
  readonly informers: Array<Informer<NatssChannel>>;
  private readonly running = new Map<string, Running>();
  private readonly states = new Map<string, ConsumerStates>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly senders = new Map<string, Pick<Sender, 'dispatch'>>();
  private readonly pendingRetry = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(private readonly options: JetStreamChannelsOptions) {
    this.informers = JetStreamChannelKinds.map(
      (kind) =>
        new Informer<NatssChannel>({
          client: options.client,
          apiVersion: MessagingV1alpha1,
          kind,
          logger: options.log,
        }),
    );
    for (const informer of this.informers) {
      informer.addEventHandler({
        onAdd: (c) => this.enqueue(keyOf(c)),
        onUpdate: (_old, c) => this.enqueue(keyOf(c)),
        onDelete: (c) => this.enqueue(keyOf(c)),
      });
    }
  }

  start(): void {
    for (const informer of this.informers) informer.start();
    this.timer = setInterval(() => {
      const keys = [...this.pendingRetry];
      this.pendingRetry.clear();
      for (const key of keys) this.enqueue(key);
    }, this.options.retryMs ?? 2000);
  }

  ready(): boolean {
    return this.informers.every((i) => i.hasSynced());
  }

  /** Channels whose consumers wait for NATS get another try now (called once connected). */
  resyncAll(): void {
    for (const informer of this.informers)
      for (const c of informer.cache.list()) this.enqueue(keyOf(c));
  }

  /** Stops every consumer loop, letting deliveries in flight finish and be acked. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    for (const informer of this.informers) await informer.stop();
    // A sync may wait on NATS or the API server (a channel being deleted): give it the
    // consumers' grace, not forever; what it did not finish, the next start redoes.
    await settleWithin([...this.chains.values()], STOP_GRACE_MS);
    await Promise.allSettled([...this.running.values()].map((r) => r.consumer.stop()));
    this.running.clear();
  }

  private enqueue(key: string): void {
    if (this.stopping) return;
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous
      .then(() => this.sync(key))
      .catch((err: unknown) => {
        this.options.log.error({ err, channel: key }, 'channel sync failed');
        this.pendingRetry.add(key);
      });
    this.chains.set(key, next);
    void next.finally(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }

  private find(key: string): NatssChannel | undefined {
    const [namespace = '', name = ''] = key.split('/');
    for (const informer of this.informers) {
      const c = informer.cache.get(namespace, name);
      if (c) return c;
    }
    return undefined;
  }

  private async sync(key: string): Promise<void> {
    if (this.stopping) return;
    const channel = this.find(key);
    if (!channel || channel.metadata.deletionTimestamp) {
      const [namespace = '', name = ''] = key.split('/');
      this.options.table.delete(namespace, name);
      // The controller deletes the stream, and the consumers with it: only stop the loops.
      await this.stopConsumers(key, new Set(), false);
      this.states.delete(key);
      return;
    }
    const config = compileChannel(channel, this.options.clusterDomain);
    this.options.table.set(config);
    const states: ConsumerStates = new Map();
    for (const r of config.rejected) states.set(r.uid, r.message);
    const nats = this.options.nats();
    if (!nats) {
      for (const sub of config.subscribers) states.set(sub.uid, 'Dispatcher not connected to NATS');
      this.pendingRetry.add(key);
    } else {
      for (const sub of config.subscribers) {
        const state = await this.ensureConsumer(key, config, sub, nats);
        states.set(sub.uid, state);
        if (state !== true) this.pendingRetry.add(key);
      }
    }
    await this.stopConsumers(
      key,
      new Set(config.subscribers.map((s) => s.uid)),
      nats !== undefined,
    );
    this.states.set(key, states);
    await writeSubscriberStatus(this.options.client, channel, subscriberStatuses(channel, states));
  }

  private async ensureConsumer(
    key: string,
    config: JetStreamChannelConfig,
    sub: CompiledSubscriber,
    nats: Nats,
  ): Promise<true | string> {
    const signature = JSON.stringify([config.stream, config.ordered, sub.consumer]);
    let running = this.running.get(sub.uid);
    if (running && running.signature !== signature) {
      await running.consumer.stop();
      this.running.delete(sub.uid);
      running = undefined;
    }
    const deliver = deliverTo({
      sender: this.senderFor(config.namespace),
      sub,
      namespace: config.namespace,
      channel: key,
      log: this.options.log,
    });
    const consumer =
      running?.consumer ??
      new SubscriptionConsumer(nats.manager, jetstream(nats.connection), {
        stream: config.stream,
        config: sub.consumer.config,
        ackWaitMs: sub.consumer.ackWaitMs,
        pull: sub.consumer.pull,
        ordered: config.ordered,
        maxInFlight: this.options.maxInFlight,
        deliver,
        log: this.options.log,
      });
    try {
      const action = await consumer.ensure();
      if (action !== 'unchanged') {
        this.options.log.info(
          { channel: key, consumer: consumer.name, action },
          'consumer reconciled',
        );
      }
    } catch (err) {
      return `Failed to create consumer ${consumer.name} on stream ${config.stream}: ${(err as Error).message}`;
    }
    consumer.setDeliver(deliver);
    consumer.start();
    this.running.set(sub.uid, { consumer, channelKey: key, signature });
    return true;
  }

  /** Stops the consumers of `key` not in `keep`; `remove` also deletes them from the stream. */
  private async stopConsumers(key: string, keep: Set<string>, remove: boolean): Promise<void> {
    for (const [uid, r] of [...this.running]) {
      if (r.channelKey !== key || keep.has(uid)) continue;
      this.running.delete(uid);
      try {
        if (remove) await r.consumer.remove();
        else await r.consumer.stop();
      } catch (err) {
        this.options.log.warn(
          { err, channel: key, consumer: r.consumer.name },
          'consumer removal failed',
        );
      }
    }
  }

  private senderFor(namespace: string): Pick<Sender, 'dispatch'> {
    let sender = this.senders.get(namespace);
    if (!sender) {
      const { transport, brokerFilterHost, prefilter } = this.options;
      const sending = new Sender({
        ...this.options.senderOptions,
        transport,
        observer: this.options.observer(namespace),
        ...(brokerFilterHost === undefined ? {} : { brokerFilterHost }),
      });
      sender = prefilter ? prefilteredSender(sending, prefilter) : sending;
      this.senders.set(namespace, sender);
    }
    return sender;
  }
}

/** Waits for `work` to settle, at most `ms`. */
async function settleWithin(work: Promise<unknown>[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([Promise.allSettled(work), elapsed]);
  clearTimeout(timer);
}
