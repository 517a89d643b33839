import { isConflict, parseApiVersion, type KubeClient, type KubeObject } from '@knative-ts/kube';
import type { Clock } from './clock.js';
import { EventRecorder } from './event-recorder.js';
import { hasFinalizer, setFinalizer } from './finalizers.js';
import type { Informer } from './informer.js';
import { keyOf, splitKey } from './keys.js';
import { silentLogger, type Logger } from './logger.js';
import { controllerOf } from './owner-refs.js';
import type { RateLimiter } from './rate-limiter.js';
import {
  isEventLike,
  isRequeueAfter,
  type EventLike,
  type ReconcileResult,
} from './reconcile-event.js';
import { setObservedGeneration, statusChangedByReconcile } from './status.js';
import { WorkQueue } from './workqueue.js';

/** The part written per Kind: mutate `obj.status`, return or throw an event-like result. */
export interface KindReconciler<T extends KubeObject> {
  reconcileKind(obj: T): Promise<ReconcileResult>;
  /** Only for Kinds that must clean up outside Kubernetes; enables the finalizer. */
  finalizeKind?(obj: T): Promise<ReconcileResult>;
}

export interface ControllerOptions<T extends KubeObject> {
  /** Short name for logs, e.g. `broker`. */
  name: string;
  client: KubeClient;
  /** The informer of the reconciled Kind; the controller enqueues its changes. */
  informer: Informer<T>;
  reconciler: KindReconciler<T>;
  /** Source component of Kubernetes Events, e.g. `eventing-controller`. */
  component: string;
  /** Finalizer added when finalizeKind exists; default `<kind>s.<group>` lower-cased. */
  finalizerName?: string;
  /** Parallel reconciles of different keys (default 2). */
  workers?: number;
  clock?: Clock;
  logger?: Logger;
  rateLimiter?: RateLimiter;
  /** Where Kubernetes Events go (default: a recorder of this controller's own). */
  recorder?: EventRecorder;
}

/** How one reconcile ended, and so what happens to its key. */
export type ReconcileOutcome =
  { result: 'done' } | { result: 'requeueAfter'; ms: number } | { result: 'retry'; error: unknown };

const done: ReconcileOutcome = { result: 'done' };

/**
 * Runs a KindReconciler: keys from the informer go through a rate-limited work queue; each
 * reconcile works on a copy, handles the finalizer, writes status through the status
 * subresource only when it changed (with observedGeneration), and turns results into
 * Kubernetes Events and requeues.
 */
export class Controller<T extends KubeObject> {
  readonly queue: WorkQueue;
  private readonly log: Logger;
  private readonly finalizer: string;
  private running: Promise<void> | undefined;
  private readonly recorder: EventRecorder;

  constructor(private readonly options: ControllerOptions<T>) {
    this.log = options.logger ?? silentLogger;
    this.recorder =
      options.recorder ??
      new EventRecorder({
        client: options.client,
        component: options.component,
        logger: this.log,
        clock: options.clock,
      });
    this.queue = new WorkQueue({ clock: options.clock, rateLimiter: options.rateLimiter });
    const { group } = parseApiVersion(options.informer.apiVersion);
    this.finalizer =
      options.finalizerName ?? `${options.informer.kind.toLowerCase()}s.${group || 'core'}`;
    options.informer.addEventHandler({
      onAdd: (obj) => this.enqueue(obj),
      onUpdate: (_old, obj) => this.enqueue(obj),
      onDelete: (obj) => this.enqueue(obj),
    });
  }

  enqueue(obj: KubeObject): void {
    this.queue.add(keyOf(obj));
  }

  enqueueKey(key: string): void {
    this.queue.add(key);
  }

  enqueueAfter(obj: KubeObject, ms: number): void {
    this.queue.addAfter(keyOf(obj), ms);
  }

  /** Enqueues the controlling owner of `obj` when it is of this controller's Kind. */
  enqueueControllerOf(obj: KubeObject): void {
    const owner = controllerOf(obj);
    const { informer } = this.options;
    if (!owner || owner.kind !== informer.kind) return;
    if (parseApiVersion(owner.apiVersion).group !== parseApiVersion(informer.apiVersion).group) {
      return;
    }
    const ns = obj.metadata.namespace;
    this.queue.add(ns ? `${ns}/${owner.name}` : owner.name);
  }

  /** Starts the informer, waits for its cache, then runs the workers. */
  async start(): Promise<void> {
    const { informer, workers = 2 } = this.options;
    informer.start();
    await informer.waitForSync();
    this.running ??= this.queue.run(
      workers,
      (key) => this.processKey(key),
      (err, key) => this.log.error({ err, key, controller: this.options.name }, 'worker failed'),
    );
  }

  /** Stops taking keys, waits for reconciles in flight, then stops the informer. */
  async stop(): Promise<void> {
    await this.queue.shutDown();
    await this.running;
    await this.options.informer.stop();
    await this.recorder.flush();
  }

  /** Resolves once the Events recorded so far are sent (they go in the background). */
  flushEvents(): Promise<void> {
    return this.recorder.flush();
  }

  /** Reconciles `key` and requeues it as its outcome asks. */
  async processKey(key: string): Promise<void> {
    const outcome = await this.reconcile(key);
    if (outcome.result === 'retry') return this.queue.addRateLimited(key);
    this.queue.forget(key);
    if (outcome.result === 'requeueAfter') this.queue.addAfter(key, outcome.ms);
  }

  /** One reconcile of `key` against the informer's cache, without touching the queue. */
  async reconcile(key: string): Promise<ReconcileOutcome> {
    const { namespace, name } = splitKey(key);
    const cached = this.options.informer.cache.get(namespace, name);
    if (!cached) {
      this.log.debug({ key, controller: this.options.name }, 'object no longer exists');
      return done;
    }
    let original = structuredClone(cached);
    const obj = structuredClone(cached);
    const deleting = Boolean(obj.metadata.deletionTimestamp);
    const { finalizeKind } = this.options.reconciler;
    let result: unknown;
    let failed = false;
    try {
      if (deleting) {
        if (!finalizeKind || !hasFinalizer(obj, this.finalizer)) return done;
        result = await finalizeKind.call(this.options.reconciler, obj);
        if (!isFailure(result)) {
          await setFinalizer(this.options.client, original, this.finalizer, false);
          return this.report(key, original, result);
        }
      } else {
        if (finalizeKind && !hasFinalizer(obj, this.finalizer)) {
          original = await setFinalizer(this.options.client, original, this.finalizer, true);
          obj.metadata = structuredClone(original.metadata);
        }
        result = await this.options.reconciler.reconcileKind(obj);
      }
    } catch (err) {
      result = err;
      failed = true;
    }
    if (!deleting) setObservedGeneration(obj);
    const statusError = await this.writeStatus(key, original, obj);
    if (statusError) return statusError;
    return this.report(key, original, result, failed);
  }

  /** Writes obj.status when it differs from the original; returns a retry outcome on failure. */
  private async writeStatus(
    key: string,
    original: T,
    obj: T,
  ): Promise<ReconcileOutcome | undefined> {
    if (!statusChangedByReconcile(original, obj)) return undefined;
    const update = {
      ...obj,
      metadata: { ...obj.metadata, resourceVersion: original.metadata.resourceVersion },
    };
    try {
      await this.options.client.updateStatus(update);
      return undefined;
    } catch (err) {
      if (isConflict(err)) {
        this.log.debug(
          { key, controller: this.options.name },
          'status update conflicted, requeueing',
        );
        return { result: 'retry', error: err };
      }
      const message = `Failed to update status for "${key}": ${(err as Error).message}`;
      this.recordEvent(original, { type: 'Warning', reason: 'UpdateFailed', message });
      return { result: 'retry', error: err };
    }
  }

  /** Turns a reconcile result into an Event, a log line and an outcome. */
  private async report(
    key: string,
    obj: T,
    result: unknown,
    threw = false,
  ): Promise<ReconcileOutcome> {
    const fields = { key, controller: this.options.name, generation: obj.metadata.generation };
    if (isEventLike(result)) {
      this.recordEvent(obj, result);
      const log = { ...fields, type: result.type, reason: result.reason, event: result.message };
      if (result.type === 'Normal') {
        this.log.info(log, 'reconcile event');
        return done;
      }
      this.log.warn(log, 'reconcile failed');
      return { result: 'retry', error: result };
    }
    if (threw || result instanceof Error) {
      if (isConflict(result)) {
        this.log.debug({ ...fields, err: result }, 'reconcile conflicted, requeueing');
        return { result: 'retry', error: result };
      }
      const message = result instanceof Error ? result.message : String(result);
      this.recordEvent(obj, { type: 'Warning', reason: 'InternalError', message });
      this.log.error({ ...fields, err: result }, 'reconcile failed');
      return { result: 'retry', error: result };
    }
    if (isRequeueAfter(result)) return { result: 'requeueAfter', ms: result.requeueAfter };
    return done;
  }

  private recordEvent(obj: T, event: EventLike): void {
    // Copied field by field: an Error's message is not enumerable, so spreading loses it.
    this.recorder.record(obj, { type: event.type, reason: event.reason, message: event.message });
  }
}

/** A failed finalization keeps the finalizer so it is retried. */
function isFailure(result: unknown): boolean {
  // A Normal ReconcileEvent is an Error subclass too, yet reports success.
  if (isEventLike(result)) return result.type === 'Warning';
  return result instanceof Error;
}
