/**
 * The per-attempt timeout of each Broker's `spec.delivery`, which a Trigger without a
 * `delivery.timeout` of its own inherits (as its Subscription does): without it
 * broker-filter waited on a hung subscriber long after the channel dispatcher, which uses
 * the Broker's timeout, had given up and retried.
 */
import { compileDelivery } from '@knative-ts/delivery';
import type { KubeClient } from '@knative-ts/kube';
import { Informer, type Logger, NamespacedTable } from '@knative-ts/reconciler';
import type { Broker } from '@knative-ts/types';

/** One broker's delivery timeout (absent: the broker sets none). */
export interface BrokerTimeout {
  namespace: string;
  name: string;
  timeoutMs?: number;
}

/** The timeout `broker` gives its triggers; a spec that does not compile gives none. */
export function brokerTimeout(broker: Broker): { entry: BrokerTimeout; problem?: string } {
  const entry: BrokerTimeout = {
    namespace: broker.metadata.namespace ?? '',
    name: broker.metadata.name ?? '',
  };
  try {
    const { timeoutMs } = compileDelivery(broker.spec?.delivery);
    if (timeoutMs !== undefined) entry.timeoutMs = timeoutMs;
    return { entry };
  } catch (err) {
    return { entry, problem: (err as Error).message };
  }
}

/** What the handler asks: the inherited timeout of a trigger's broker. */
export interface BrokerTimeoutLookup {
  timeoutOf(namespace: string, broker: string): number | undefined;
}

export interface BrokerTimeoutsOptions {
  client: KubeClient;
  log: Logger;
  /** Injected for tests; defaults to an all-namespaces Broker informer. */
  informer?: Informer<Broker>;
}

/** The Broker informer and the timeouts it feeds. */
export class BrokerTimeouts implements BrokerTimeoutLookup {
  private readonly table = new NamespacedTable<BrokerTimeout>();
  readonly informer: Informer<Broker>;

  constructor(private readonly options: BrokerTimeoutsOptions) {
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

  timeoutOf(namespace: string, broker: string): number | undefined {
    return this.table.get(namespace, broker)?.timeoutMs;
  }

  start(): void {
    this.informer.start();
  }

  ready(): boolean {
    return this.informer.hasSynced();
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }

  private load(broker: Broker): void {
    const { entry, problem } = brokerTimeout(broker);
    if (problem !== undefined) {
      this.options.log.warn(
        { broker: `${entry.namespace}/${entry.name}`, problem },
        'broker delivery timeout not usable',
      );
    }
    this.table.set(entry);
  }
}
