import {
  isAlreadyExists,
  isConflict,
  isNotFound,
  type KubeClient,
  type KubeObject,
} from '@knative-ts/kube';
import { controllerOf, realClock, type Clock, type Logger } from '@knative-ts/reconciler';
import { EventingV1beta3, EventTypeAnnotations, type EventTypeV1beta3 } from '@knative-ts/types';
import type { CloudEvent } from '@knative-ts/delivery';
import {
  DefaultInferenceLimits,
  inferSchema,
  mergeSchemas,
  parseSchema,
  serializeSchema,
  type InferenceLimits,
  type JsonSchema,
} from './json-schema.js';
import {
  autoEventTypeNameFor,
  makeAutoEventType,
  type EventTypeOwner,
  type SeenEventType,
} from './make-auto-event-type.js';

/** How much the registry may remember, infer and write. */
export interface AutoCreateLimits {
  /** (owner, type, source) pairs remembered; the oldest is forgotten past this. */
  maxEntries: number;
  /** Pairs waiting to be written; a pair seen while the queue is full waits for its next event. */
  maxQueue: number;
  /** API writes per second, across all pairs. */
  writesPerSecond: number;
  /** Every event of a pair feeds the schema up to this many... */
  sampleFirst: number;
  /** ...then one event in this many. */
  sampleEvery: number;
  /** Wait before retrying a pair whose write failed. */
  retryMs: number;
  inference: InferenceLimits;
}

export const DefaultAutoCreateLimits: AutoCreateLimits = {
  maxEntries: 10_000,
  maxQueue: 1_000,
  writesPerSecond: 20,
  sampleFirst: 100,
  sampleEvery: 64,
  retryMs: 10_000,
  inference: DefaultInferenceLimits,
};

/** What an ingress calls for each event it accepted: never waits, never throws. */
export interface EventTypeObserver {
  observe(owner: EventTypeOwner, event: CloudEvent): void;
}

type State = 'new' | 'created' | 'failed' | 'skipped';

interface Entry {
  owner: EventTypeOwner;
  seen: SeenEventType;
  name: string;
  count: number;
  state: State;
  retryAt: number;
  queued: boolean;
  /** The schema has changed since it was last written. */
  dirty: boolean;
  schema?: JsonSchema;
  /** Data that was not JSON: no schema can describe it, so stop trying. */
  opaque: boolean;
}

export interface AutoCreatorOptions {
  client: KubeClient;
  log: Logger;
  /** Whether `eventtype-auto-create` is enabled; read on every event, so keep it cheap. */
  enabled: () => boolean;
  limits?: Partial<AutoCreateLimits>;
  clock?: Clock;
}

function isJsonContent(contentType: string | undefined): boolean {
  if (contentType === undefined) return true;
  const media = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return media === 'application/json' || media === 'text/json' || media.endsWith('+json');
}

/**
 * Auto-creation of EventTypes (Knative's pkg/eventtype AutoCreateEventType) off the hot
 * path: `observe` only looks the (owner, type, source) pair up in a bounded map, feeds a
 * bounded sample of the event's JSON data into the pair's inferred schema, and queues the
 * pair when it is new or its schema changed. One background loop, paced to
 * `writesPerSecond`, creates the EventType (409 means another replica did) and merges the
 * schema into what is stored.
 */
export class EventTypeAutoCreator implements EventTypeObserver {
  private readonly limits: AutoCreateLimits;
  private readonly clock: Clock;
  private readonly entries = new Map<string, Entry>();
  private readonly queue: Entry[] = [];
  private running: Promise<void> | undefined;
  private nextWriteAt = 0;
  private stopped = false;

  constructor(private readonly options: AutoCreatorOptions) {
    this.limits = { ...DefaultAutoCreateLimits, ...options.limits };
    this.clock = options.clock ?? realClock;
  }

  observe(owner: EventTypeOwner, event: CloudEvent): void {
    if (this.stopped || !this.options.enabled()) return;
    const a = event.attributes;
    const type = a['type'];
    const source = a['source'];
    if (!type || source === undefined) return;
    const key = `${owner.kind}\u0000${owner.namespace}\u0000${owner.name}\u0000${type}\u0000${source}`;
    let e = this.entries.get(key);
    if (!e) e = this.remember(key, owner, event);
    e.count++;
    if (e.state === 'skipped') return;
    if (!e.opaque && this.sampled(e.count)) this.infer(e, event);
    if (e.state === 'failed' && this.clock.now() >= e.retryAt) e.state = 'new';
    if (e.state === 'new' || (e.state === 'created' && e.dirty)) this.enqueue(e);
  }

  /** Stops writing; resolves once the write in progress has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    await this.running;
  }

  /** Pairs remembered, for tests and metrics. */
  get size(): number {
    return this.entries.size;
  }

  /** Resolves once the queue is empty (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private remember(key: string, owner: EventTypeOwner, event: CloudEvent): Entry {
    if (this.entries.size >= this.limits.maxEntries) {
      // Maps iterate in insertion order: the first key is the oldest pair.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    const a = event.attributes;
    const seen: SeenEventType = {
      type: a['type'] ?? '',
      source: a['source'] ?? '',
      specversion: a['specversion'] ?? '1.0',
    };
    if (a['dataschema']) seen.dataschema = a['dataschema'];
    const e: Entry = {
      owner: { ...owner },
      seen,
      name: autoEventTypeNameFor(owner, seen),
      count: 0,
      state: 'new',
      retryAt: 0,
      queued: false,
      dirty: false,
      opaque: !isJsonContent(a['datacontenttype']),
    };
    this.entries.set(key, e);
    return e;
  }

  private sampled(count: number): boolean {
    return count <= this.limits.sampleFirst || count % this.limits.sampleEvery === 0;
  }

  private infer(e: Entry, event: CloudEvent): void {
    if (event.data === undefined) return;
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(event.data).toString('utf8'));
    } catch {
      // Not JSON after all (or a content type that lied): no schema for this pair.
      e.opaque = true;
      return;
    }
    const one = inferSchema(value, this.limits.inference);
    const merged = e.schema ? mergeSchemas(e.schema, one) : one;
    if (e.schema === undefined || serializeSchema(merged) !== serializeSchema(e.schema)) {
      e.schema = merged;
      e.dirty = true;
    }
  }

  private enqueue(e: Entry): void {
    if (e.queued || this.queue.length >= this.limits.maxQueue) return;
    e.queued = true;
    this.queue.push(e);
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
  }

  private async drain(): Promise<void> {
    for (let e = this.queue.shift(); e && !this.stopped; e = this.queue.shift()) {
      const wait = this.nextWriteAt - this.clock.now();
      if (wait > 0) await new Promise<void>((r) => this.clock.setTimeout(r, wait));
      this.nextWriteAt =
        Math.max(this.clock.now(), this.nextWriteAt) + 1000 / this.limits.writesPerSecond;
      e.queued = false;
      try {
        await this.write(e);
      } catch (err) {
        e.state = 'failed';
        e.retryAt = this.clock.now() + this.limits.retryMs;
        this.options.log.warn(
          {
            err,
            eventType: `${e.owner.namespace}/${e.name}`,
            type: e.seen.type,
            source: e.seen.source,
          },
          'eventtype auto-create failed',
        );
      }
    }
  }

  private async write(e: Entry): Promise<void> {
    const { client } = this.options;
    const schema = e.schema;
    e.dirty = false;
    if (e.state !== 'created') {
      const owner = await this.owner(e);
      if (!owner) return;
      try {
        await client.create(
          makeAutoEventType(
            e.owner,
            owner.metadata.uid ?? '',
            e.seen,
            schema && serializeSchema(schema),
          ),
        );
        e.state = 'created';
        return;
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        // Another replica (or an earlier life of this one) made it: merge into it.
        e.state = 'created';
      }
    }
    if (schema) await this.mergeStoredSchema(e, schema);
  }

  /** The owner, or undefined (and the pair skipped) when it is gone or must not own types. */
  private async owner(e: Entry): Promise<KubeObject | undefined> {
    const { apiVersion, kind, namespace, name } = e.owner;
    let owner: KubeObject;
    try {
      owner = await this.options.client.get({ apiVersion, kind, namespace, name });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      e.state = 'failed';
      e.retryAt = this.clock.now() + this.limits.retryMs;
      return undefined;
    }
    // A Broker's trigger channel carries every event of its Broker, which already
    // registers them: its EventTypes would only double the namespace's registry.
    if (controllerOf(owner)?.kind === 'Broker') {
      e.state = 'skipped';
      return undefined;
    }
    return owner;
  }

  private async mergeStoredSchema(e: Entry, schema: JsonSchema): Promise<void> {
    const ref = {
      apiVersion: EventingV1beta3,
      kind: 'EventType',
      namespace: e.owner.namespace,
      name: e.name,
    };
    let stored: EventTypeV1beta3;
    try {
      stored = await this.options.client.get<EventTypeV1beta3>(ref);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      // Deleted by someone: create it again with what we know.
      e.state = 'new';
      this.enqueue(e);
      return;
    }
    const text = stored.metadata.annotations?.[EventTypeAnnotations.schemaData];
    const theirs = parseSchema(text);
    if (text && !theirs) return;
    const merged = theirs ? mergeSchemas(theirs, schema) : schema;
    e.schema = merged;
    const mergedText = serializeSchema(merged);
    if (mergedText === text) return;
    try {
      await this.options.client.patch(ref, {
        metadata: {
          resourceVersion: stored.metadata.resourceVersion,
          annotations: { [EventTypeAnnotations.schemaData]: mergedText },
        },
      });
    } catch (err) {
      if (!isConflict(err)) throw err;
      // Another replica merged first: read theirs and merge again.
      e.dirty = true;
      this.enqueue(e);
    }
  }
}
