import {
  isNotFound,
  type KubeClient,
  type KubeObject,
  type ObjectRef,
  type ResourceRef,
} from '@knative-ts/kube';
import { Informer, silentLogger, type Logger, type Tracker } from '@knative-ts/reconciler';
import type { References } from './references.js';

export interface DynamicInformersOptions {
  client: KubeClient;
  logger?: Logger;
}

/**
 * One cluster-wide informer per apiVersion+kind, created on first use, like Knative's
 * duck informer factories: reconcilers can depend on any kind (a KafkaChannel, a Knative
 * Service, …) without this app knowing it in advance. An informer for a kind the API
 * server does not serve keeps retrying its list with backoff, so it starts delivering as
 * soon as the CRD is installed.
 */
export class DynamicInformers {
  private readonly informers = new Map<string, Informer>();
  private readonly listeners: Array<(informer: Informer) => void> = [];
  private stopped = false;

  constructor(private readonly options: DynamicInformersOptions) {}

  /** The informer of `apiVersion`/`kind`, started on first request. */
  informerFor<T extends KubeObject = KubeObject>(apiVersion: string, kind: string): Informer<T> {
    const key = `${apiVersion}|${kind}`;
    let informer = this.informers.get(key);
    if (!informer) {
      const { client, logger = silentLogger } = this.options;
      informer = new Informer({ client, apiVersion, kind, logger });
      this.informers.set(key, informer);
      for (const listen of this.listeners) listen(informer);
      if (!this.stopped) informer.start();
    }
    return informer as unknown as Informer<T>;
  }

  /** Calls `listener` for every informer, existing and future (to attach handlers). */
  onInformer(listener: (informer: Informer) => void): void {
    this.listeners.push(listener);
    for (const informer of this.informers.values()) listener(informer);
  }

  /** Reads the cache once the informer has synced; until then (or for an unserved kind) asks the API server. */
  async get<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T | undefined> {
    const informer = this.informerFor<T>(ref.apiVersion, ref.kind);
    if (informer.hasSynced()) return informer.cache.get(ref.namespace ?? '', ref.name);
    try {
      return await this.options.client.get<T>(ref);
    } catch (err) {
      // Not found includes "kind not served" (404 from discovery): the object cannot exist yet.
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async list<T extends KubeObject = KubeObject>(
    ref: ResourceRef,
    labelSelector?: string,
  ): Promise<T[]> {
    const informer = this.informerFor<T>(ref.apiVersion, ref.kind);
    if (informer.hasSynced()) {
      return labelSelector
        ? informer.cache.listByLabels(labelSelector, ref.namespace)
        : informer.cache.list(ref.namespace);
    }
    const options = labelSelector ? { labelSelector } : {};
    return (await this.options.client.list<T>(ref, options)).items;
  }

  /** Resolves once every informer created so far has synced. */
  async waitForSync(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync()));
  }

  /** Stops every informer; later ones are created stopped. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}

/** References backed by DynamicInformers, whose changes re-queue owners through `tracker`. */
export function trackingReferences(informers: DynamicInformers, tracker: Tracker): References {
  informers.onInformer((informer) => informer.addEventHandler(tracker.handlers()));
  return {
    get: (ref) => informers.get(ref),
    list: (ref, labelSelector) => informers.list(ref, labelSelector),
    track(ref, ownerKey, relevant) {
      // Creating the informer is what makes changes of this kind reach the tracker.
      informers.informerFor(ref.apiVersion, ref.kind);
      tracker.track(ref, ownerKey, relevant);
    },
  };
}
