/**
 * Informers on every watched resource in every watched namespace (or cluster-wide when the
 * source selects all namespaces), with the source's label selectors, reporting changes in
 * the order they arrive. Objects present when a watch starts are the baseline, not adds:
 * a restarted adapter does not replay every existing object to a sink that has seen them
 * (see README). Changes missed while the adapter was down surface as the next update or
 * delete of the object; a re-list after an expired watch (410) reports what changed in
 * the gap as add/update/delete.
 */
import type { KubeClient, KubeObject } from '@knative-ts/kube';
import { Informer, type Logger } from '@knative-ts/reconciler';
import type { ApiServerAdapterConfig, ApiServerChange } from '@knative-ts/types';

export interface ResourceWatcherOptions {
  client: KubeClient;
  config: ApiServerAdapterConfig;
  onChange(change: ApiServerChange, obj: KubeObject): void;
  log: Logger;
}

/** Whether `obj` passes the source's owner filter (none: every object does). */
export function ownedAsConfigured(config: ApiServerAdapterConfig, obj: KubeObject): boolean {
  const owner = config.owner;
  if (!owner) return true;
  return (obj.metadata.ownerReferences ?? []).some(
    (ref) => ref.apiVersion === owner.apiVersion && ref.kind === owner.kind,
  );
}

/** Watches what one ApiServerSource names. */
export class ResourceWatcher {
  private readonly informers: Informer[] = [];

  constructor(private readonly options: ResourceWatcherOptions) {}

  start(): void {
    const { client, config, log } = this.options;
    const namespaces: Array<string | undefined> = config.allNamespaces
      ? [undefined]
      : config.namespaces;
    for (const resource of config.resources) {
      for (const namespace of namespaces) {
        const informer = new Informer({
          client,
          apiVersion: resource.apiVersion,
          kind: resource.kind,
          ...(namespace !== undefined && { namespace }),
          ...(resource.selector && { labelSelector: resource.selector }),
          // A resync is not a change of the object: never report it.
          resyncMs: 0,
          logger: log,
        });
        informer.addEventHandler(this.handlers(informer));
        this.informers.push(informer);
      }
    }
    for (const informer of this.informers) informer.start();
  }

  /** Whether every informer has loaded its baseline. */
  ready(): boolean {
    return this.informers.length > 0 && this.informers.every((i) => i.hasSynced());
  }

  async stop(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.stop()));
  }

  private handlers(informer: Informer) {
    const { config, onChange } = this.options;
    const report = (change: ApiServerChange, obj: KubeObject): void => {
      if (ownedAsConfigured(config, obj)) onChange(change, obj);
    };
    return {
      onAdd: (obj: KubeObject) => {
        if (informer.hasSynced()) report('add', obj);
      },
      onUpdate: (old: KubeObject, obj: KubeObject) => {
        if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) report('update', obj);
      },
      onDelete: (obj: KubeObject) => report('delete', obj),
    };
  }
}
