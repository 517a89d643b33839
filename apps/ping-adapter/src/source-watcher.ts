/** Feeds the scheduler from a PingSource informer over every namespace. */
import type { KubeClient } from '@knative-ts/kube';
import { Informer, keyOf, type Logger } from '@knative-ts/reconciler';
import { SourcesV1, type PingSource } from '@knative-ts/types';
import type { PingScheduler } from './scheduler.js';

export interface SourceWatcherOptions {
  client: KubeClient;
  scheduler: Pick<PingScheduler, 'upsert' | 'remove'>;
  log: Logger;
  /** Injected for tests; defaults to an all-namespaces PingSource informer. */
  informer?: Informer<PingSource>;
}

/** Schedules each PingSource as it is added or changed, unschedules it when deleted. */
export class SourceWatcher {
  readonly informer: Informer<PingSource>;

  constructor(options: SourceWatcherOptions) {
    const { scheduler } = options;
    this.informer =
      options.informer ??
      new Informer<PingSource>({
        client: options.client,
        apiVersion: SourcesV1,
        kind: 'PingSource',
        logger: options.log,
      });
    this.informer.addEventHandler({
      onAdd: (source) => scheduler.upsert(source),
      onUpdate: (_old, source) => scheduler.upsert(source),
      onDelete: (source) => scheduler.remove(keyOf(source)),
    });
  }

  start(): void {
    this.informer.start();
  }

  /** Ready once the first list of sources is scheduled. */
  ready(): boolean {
    return this.informer.hasSynced();
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }
}
