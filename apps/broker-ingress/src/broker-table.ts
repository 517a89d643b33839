/**
 * The brokers ingress knows, kept in step with the Broker informer. Each change is
 * compiled once into what a request needs: the trigger channel's URL, which the Broker
 * reconciler writes to `status.annotations["knative.dev/channelAddress"]`.
 */
import type { KubeClient } from '@knative-ts/kube';
import { Informer, type Logger, NamespacedTable } from '@knative-ts/reconciler';
import { BrokerChannelAddressStatusAnnotation, type Broker } from '@knative-ts/types';

/** One broker as a request sees it. */
export interface BrokerEntry {
  namespace: string;
  name: string;
  /** Absent until the reconciler has published a usable trigger channel address. */
  channelAddress?: string;
}

/** What ingress needs of the table. */
export interface BrokerLookup {
  get(namespace: string, name: string): BrokerEntry | undefined;
}

/** Compiles a Broker; `problem` says why a present channel address cannot be used. */
export function compileBroker(broker: Broker): { entry: BrokerEntry; problem?: string } {
  const entry: BrokerEntry = {
    namespace: broker.metadata.namespace ?? '',
    name: broker.metadata.name ?? '',
  };
  const address = broker.status?.annotations?.[BrokerChannelAddressStatusAnnotation];
  if (address === undefined || address === '') return { entry };
  if (!isHttpUrl(address)) {
    return { entry, problem: `channel address "${address}" is not an absolute http(s) URL` };
  }
  entry.channelAddress = address;
  return { entry };
}

function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === 'http:' || protocol === 'https:';
}

/** Brokers by `namespace/name`. */
export class BrokerTable extends NamespacedTable<BrokerEntry> implements BrokerLookup {}

export interface BrokerWatcherOptions {
  client: KubeClient;
  log: Logger;
  /** Injected for tests; defaults to an all-namespaces Broker informer. */
  informer?: Informer<Broker>;
}

/** The Broker informer and the table it feeds. */
export class BrokerWatcher {
  readonly table = new BrokerTable();
  readonly informer: Informer<Broker>;

  constructor(private readonly options: BrokerWatcherOptions) {
    this.informer =
      options.informer ??
      new Informer<Broker>({
        client: options.client,
        apiVersion: 'eventing.knative.dev/v1',
        kind: 'Broker',
        logger: options.log,
      });
    this.informer.addEventHandler({
      onAdd: (b) => this.load(b),
      onUpdate: (_old, b) => this.load(b),
      onDelete: (b) => this.table.delete(b.metadata.namespace ?? '', b.metadata.name ?? ''),
    });
  }

  start(): void {
    this.informer.start();
  }

  /** Ready once the first list of brokers is in the table. */
  ready(): boolean {
    return this.informer.hasSynced();
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }

  load(broker: Broker): void {
    const { entry, problem } = compileBroker(broker);
    if (problem !== undefined) {
      this.options.log.warn(
        { broker: `${entry.namespace}/${entry.name}`, problem },
        'broker channel address unusable',
      );
    }
    this.table.set(entry);
  }
}
