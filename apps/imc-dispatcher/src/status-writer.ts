/**
 * Reports in `status.subscribers` which subscribers the dispatcher has loaded, as Knative's
 * imc-dispatcher does: `{uid, observedGeneration, ready: "True"}` per subscriber (False with
 * a message for one it cannot serve). Writes only when the list changed, as a merge patch
 * of `status.subscribers` alone through the status subresource: with no resourceVersion
 * it cannot conflict with the controller's status writes, and it does not send back the
 * rest of a channel that holds a thousand subscribers. A list computed from a spec that
 * has since changed is rewritten once the informer brings the newer spec.
 */
import { isNotFound, jsonEqual, refOf, type KubeClient } from '@knative-ts/kube';
import { keyOf, splitKey, WorkQueue, type Logger } from '@knative-ts/reconciler';
import type { InMemoryChannel, SubscriberStatus } from '@knative-ts/types';
import type { ChannelConfig } from './channel-config.js';

/** The subscriber statuses for `imc` once `config` (compiled from it) is loaded. */
export function subscriberStatuses(
  imc: InMemoryChannel,
  config: Pick<ChannelConfig, 'rejected'>,
): SubscriberStatus[] {
  const rejected = new Map(config.rejected.map((r) => [r.uid, r.message]));
  return (imc.spec?.subscribers ?? []).map((sub) => {
    const status: SubscriberStatus = { uid: sub.uid ?? '' };
    if (sub.generation !== undefined) status.observedGeneration = sub.generation;
    const message = rejected.get(sub.uid ?? '');
    status.ready = message === undefined ? 'True' : 'False';
    if (message !== undefined) status.message = message;
    return status;
  });
}

export interface StatusWriterOptions {
  client: KubeClient;
  /** The latest InMemoryChannel and the config loaded from it (the informer cache + table). */
  lookup(
    namespace: string,
    name: string,
  ): { imc: InMemoryChannel; config: ChannelConfig } | undefined;
  log: Logger;
  queue?: WorkQueue;
}

/** Queues channels whose subscriber status may be stale and writes them one key at a time. */
export class StatusWriter {
  private readonly queue: WorkQueue;
  private running: Promise<void> | undefined;

  constructor(private readonly options: StatusWriterOptions) {
    this.queue = options.queue ?? new WorkQueue();
  }

  enqueue(imc: InMemoryChannel): void {
    this.queue.add(keyOf(imc));
  }

  start(workers = 2): void {
    this.running ??= this.queue.run(
      workers,
      (key) => this.process(key),
      (err, key) => this.options.log.error({ err, key }, 'status writer failed'),
    );
  }

  async stop(): Promise<void> {
    await this.queue.shutDown();
    await this.running;
  }

  /** Writes the status of `key` if it changed; requeues with backoff on failure. */
  async process(key: string): Promise<void> {
    const result = await this.write(key);
    if (result === 'retry') this.queue.addRateLimited(key);
    else this.queue.forget(key);
  }

  /** One attempt: 'unchanged', 'written', 'gone' or 'retry'. */
  async write(key: string): Promise<'unchanged' | 'written' | 'gone' | 'retry'> {
    const { namespace, name } = splitKey(key);
    const found = this.options.lookup(namespace, name);
    if (found === undefined) return 'gone';
    const { imc, config } = found;
    const desired = subscriberStatuses(imc, config);
    if (jsonEqual(imc.status?.subscribers ?? [], desired)) return 'unchanged';
    try {
      await this.options.client.patchStatus(refOf(imc), { status: { subscribers: desired } });
      return 'written';
    } catch (err) {
      if (isNotFound(err)) return 'gone';
      this.options.log.warn({ err, key }, 'subscriber status update failed');
      return 'retry';
    }
  }
}
