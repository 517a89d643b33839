/**
 * The triggers broker-filter serves, kept in step with the Trigger informer. Each change
 * is compiled once: the filter (one that does not compile, or whose compiler throws, makes
 * the trigger match nothing and is logged at error level — never does the old filter keep
 * routing; the Trigger reconciler reports it on the Trigger as Ready=False), the
 * delivery settings of the single attempt (format and per-attempt timeout; the channel
 * subscription does the retries), and the `filter_type` metric label.
 */
import {
  compileDelivery,
  NO_RETRIES,
  type CloudEvent,
  type DeliveryConfig,
} from '@knative-ts/delivery';
import type { KubeClient } from '@knative-ts/kube';
import { Informer, type Logger, NamespacedTable } from '@knative-ts/reconciler';
import type { Trigger, TriggerSpec } from '@knative-ts/types';

/** `compileTriggerFilter` of @knative-ts/eventfilter. */
export type CompileTriggerFilter = (
  spec: TriggerSpec,
) =>
  | { ok: true; matches(event: CloudEvent): boolean }
  | { ok: false; errors: ReadonlyArray<{ path: string; message: string }> };

/** One trigger as a request sees it. */
export interface TriggerEntry {
  namespace: string;
  name: string;
  uid: string;
  broker: string;
  /** Absent until the reconciler has resolved the subscriber. */
  subscriberUri?: string;
  matches(event: CloudEvent): boolean;
  /** The single attempt: no retries, the trigger's format and timeout. */
  delivery: DeliveryConfig;
  /** Metric label: `filter.attributes.type`, or `any` (eventing filter stats_reporter.go). */
  filterType: string;
}

const matchNothing = (): boolean => false;

/**
 * Compiles a Trigger; `problems` say what could not be used (and is logged), and
 * `filterInvalid` whether the filter is among them (the trigger then matches nothing).
 */
export function compileTrigger(
  trigger: Trigger,
  compileFilter: CompileTriggerFilter,
): { entry: TriggerEntry; problems: string[]; filterInvalid: boolean } {
  const problems: string[] = [];
  const filter = safeCompile(trigger.spec, compileFilter);
  if (!filter.ok) problems.push(...filter.errors.map((e) => `${e.path}: ${e.message}`));
  const entry: TriggerEntry = {
    namespace: trigger.metadata.namespace ?? '',
    name: trigger.metadata.name ?? '',
    uid: trigger.metadata.uid ?? '',
    broker: trigger.spec.broker,
    matches: filter.ok ? (event) => filter.matches(event) : matchNothing,
    delivery: singleAttempt(trigger, problems),
    filterType: trigger.spec.filter?.attributes?.['type'] || 'any',
  };
  const uri = trigger.status?.subscriberUri;
  if (uri !== undefined && uri !== '') entry.subscriberUri = uri;
  return { entry, problems, filterInvalid: !filter.ok };
}

/** The compiler's result; a compiler that throws is an invalid filter, not a failed load. */
function safeCompile(
  spec: TriggerSpec,
  compileFilter: CompileTriggerFilter,
): ReturnType<CompileTriggerFilter> {
  try {
    return compileFilter(spec);
  } catch (err) {
    return {
      ok: false,
      errors: [{ path: 'filters', message: `could not be compiled: ${(err as Error).message}` }],
    };
  }
}

function singleAttempt(trigger: Trigger, problems: string[]): DeliveryConfig {
  try {
    return { ...compileDelivery(trigger.spec.delivery), retry: 0 };
  } catch (err) {
    problems.push(`spec.delivery: ${(err as Error).message}`);
    return NO_RETRIES;
  }
}

/** What the handler needs of the table. */
export interface TriggerLookup {
  get(namespace: string, name: string): TriggerEntry | undefined;
}

/** Triggers by `namespace/name`. */
export class TriggerTable extends NamespacedTable<TriggerEntry> implements TriggerLookup {}

export interface TriggerWatcherOptions {
  client: KubeClient;
  compileFilter: CompileTriggerFilter;
  log: Logger;
  /** Injected for tests; defaults to an all-namespaces Trigger informer. */
  informer?: Informer<Trigger>;
}

/** The Trigger informer and the table it feeds. */
export class TriggerWatcher {
  readonly table = new TriggerTable();
  readonly informer: Informer<Trigger>;

  constructor(private readonly options: TriggerWatcherOptions) {
    this.informer =
      options.informer ??
      new Informer<Trigger>({
        client: options.client,
        apiVersion: 'eventing.knative.dev/v1',
        kind: 'Trigger',
        logger: options.log,
      });
    this.informer.addEventHandler({
      onAdd: (t) => this.load(t),
      onUpdate: (old, t) => {
        // Resyncs re-deliver unchanged objects: compile only what changed.
        if (old !== t || !this.table.get(t.metadata.namespace ?? '', t.metadata.name ?? '')) {
          this.load(t);
        }
      },
      onDelete: (t) => this.table.delete(t.metadata.namespace ?? '', t.metadata.name ?? ''),
    });
  }

  start(): void {
    this.informer.start();
  }

  /** Ready once the first list of triggers is in the table. */
  ready(): boolean {
    return this.informer.hasSynced();
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }

  load(trigger: Trigger): void {
    const { entry, problems, filterInvalid } = compileTrigger(trigger, this.options.compileFilter);
    const fields = {
      namespace: entry.namespace,
      name: entry.name,
      trigger: `${entry.namespace}/${entry.name}`,
      problems,
    };
    if (filterInvalid) {
      this.options.log.error(
        fields,
        'trigger filter does not compile; the trigger matches no event',
      );
    } else if (problems.length > 0) {
      this.options.log.warn(fields, 'trigger loaded with problems');
    }
    this.table.set(entry);
  }
}
