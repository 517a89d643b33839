import { buildEvent } from './events.js';
import { apiError, KubeError, KubeErrorCode, type KubeErrorContext } from './errors.js';
import { discoveryPath, RestMapper, type ApiResource } from './rest-mapper.js';
import type { JsonPatchOperation } from './json-patch.js';
import type { HttpRequest, HttpTransport } from './transport.js';

import {
  refOf,
  type DeleteOptions,
  type EventInput,
  type KubeClient,
  type KubeObject,
  type Lease,
  type ListOptions,
  type ListResult,
  type ObjectRef,
  type ResourceRef,
  type WatchEvent,
  type WatchOptions,
} from './types.js';

const MERGE_PATCH = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';

interface Status {
  code?: number;
  reason?: string;
  message?: string;
}

function toError(status: number, body: unknown, context: KubeErrorContext): KubeError {
  const s = (typeof body === 'object' && body !== null ? body : {}) as Status;
  const message = s.message ?? (typeof body === 'string' && body ? body : `HTTP ${status}`);
  return apiError(s.code ?? status, s.reason ?? '', message, context);
}

export interface HttpKubeClientOptions {
  /** Clock for Event timestamps. */
  now?: () => Date;
}

/** A KubeClient over the API server's REST interface, resolving kinds through discovery. */
export class HttpKubeClient implements KubeClient {
  private readonly mapper: RestMapper;
  private readonly now: () => Date;

  constructor(
    private readonly transport: HttpTransport,
    options: HttpKubeClientOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.mapper = new RestMapper((apiVersion) => this.discover(apiVersion));
  }

  private async discover(apiVersion: string): Promise<ApiResource[]> {
    const list = await this.call<{ resources?: ApiResource[] }>({
      method: 'GET',
      path: discoveryPath(apiVersion),
      context: { verb: 'discover', apiVersion },
    });
    return list.resources ?? [];
  }

  private async path(ref: ResourceRef & { name?: string }, subresource?: string): Promise<string> {
    const { plural, namespaced } = await this.mapper.resolve(ref.apiVersion, ref.kind);
    const parts = [discoveryPath(ref.apiVersion)];
    if (namespaced && ref.namespace) parts.push('namespaces', encodeURIComponent(ref.namespace));
    parts.push(plural);
    if (ref.name !== undefined) parts.push(encodeURIComponent(ref.name));
    if (subresource) parts.push(subresource);
    return parts.join('/');
  }

  private async call<T>(req: HttpRequest): Promise<T> {
    const res = await this.transport.request(req);
    if (res.status < 200 || res.status >= 300) throw toError(res.status, res.body, req.context);
    return res.body as T;
  }

  async get<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T> {
    const context = { verb: 'get', ...ref };
    return this.call<T>({ method: 'GET', path: await this.path(ref), context });
  }

  async list<T extends KubeObject = KubeObject>(
    ref: ResourceRef,
    options: ListOptions = {},
  ): Promise<ListResult<T>> {
    const list = await this.call<{ items?: T[]; metadata?: { resourceVersion?: string } }>({
      method: 'GET',
      path: await this.path(ref),
      query: { labelSelector: options.labelSelector },
      context: { verb: 'list', ...ref },
    });
    // Items of a list carry no apiVersion/kind; restore them so objects are self-describing.
    const items = (list.items ?? []).map((item) => ({
      ...item,
      apiVersion: ref.apiVersion,
      kind: ref.kind,
    }));
    return { items, resourceVersion: list.metadata?.resourceVersion ?? '' };
  }

  async *watch<T extends KubeObject = KubeObject>(
    ref: ResourceRef,
    options: WatchOptions = {},
  ): AsyncIterable<WatchEvent<T>> {
    const context = { verb: 'watch', ...ref };
    const abort = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, abort.signal]) : abort.signal;
    try {
      const res = await this.transport.stream({
        method: 'GET',
        path: await this.path(ref),
        query: {
          watch: true,
          allowWatchBookmarks: true,
          resourceVersion: options.resourceVersion,
          labelSelector: options.labelSelector,
          timeoutSeconds: options.timeoutSeconds,
        },
        signal,
        context,
      });
      if (res.status !== 200) throw toError(res.status, res.body, context);
      for await (const line of res.lines) {
        if (line.trim() === '') continue;
        yield parseWatchLine<T>(line, context);
      }
    } catch (err) {
      if (options.signal?.aborted) return;
      if (err instanceof KubeError) throw err;
      throw new KubeError(KubeErrorCode.Transport, 0, '', (err as Error).message, context, {
        cause: err,
      });
    } finally {
      abort.abort();
    }
  }

  async create<T extends KubeObject>(obj: T): Promise<T> {
    const ref = refOf(obj);
    const { name: _name, ...collection } = ref;
    return this.call<T>({
      method: 'POST',
      path: await this.path(collection),
      body: obj,
      context: { verb: 'create', ...ref },
    });
  }

  async update<T extends KubeObject>(obj: T): Promise<T> {
    const ref = refOf(obj);
    const context = { verb: 'update', ...ref };
    return this.call<T>({ method: 'PUT', path: await this.path(ref), body: obj, context });
  }

  async updateStatus<T extends KubeObject>(obj: T): Promise<T> {
    const ref = refOf(obj);
    const context = { verb: 'updateStatus', ...ref };
    return this.call<T>({
      method: 'PUT',
      path: await this.path(ref, 'status'),
      body: obj,
      context,
    });
  }

  patch<T extends KubeObject = KubeObject>(ref: ObjectRef, patch: object): Promise<T> {
    return this.sendPatch<T>(ref, patch, { type: MERGE_PATCH, verb: 'patch' });
  }

  patchStatus<T extends KubeObject = KubeObject>(ref: ObjectRef, patch: object): Promise<T> {
    return this.sendPatch<T>(ref, patch, { type: MERGE_PATCH, verb: 'patchStatus' }, 'status');
  }

  jsonPatch<T extends KubeObject = KubeObject>(
    ref: ObjectRef,
    operations: readonly JsonPatchOperation[],
  ): Promise<T> {
    return this.sendPatch<T>(ref, operations, { type: JSON_PATCH, verb: 'patch' });
  }

  /** One PATCH of the object (or its subresource), the patch format named by its content type. */
  private async sendPatch<T>(
    ref: ObjectRef,
    body: object,
    { type, verb }: { type: string; verb: string },
    subresource?: string,
  ): Promise<T> {
    return this.call<T>({
      method: 'PATCH',
      path: await this.path(ref, subresource),
      body,
      contentType: type,
      context: { verb, ...ref },
    });
  }

  async delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<void> {
    await this.call<unknown>({
      method: 'DELETE',
      path: await this.path(ref),
      body: { kind: 'DeleteOptions', apiVersion: 'v1', ...options },
      context: { verb: 'delete', ...ref },
    });
  }

  async createEvent(event: EventInput): Promise<KubeObject> {
    return this.create(buildEvent(event, this.now()));
  }

  getLease(namespace: string, name: string): Promise<Lease> {
    return this.get<Lease>({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      namespace,
      name,
    });
  }

  createLease(lease: Lease): Promise<Lease> {
    return this.create(lease);
  }

  updateLease(lease: Lease): Promise<Lease> {
    return this.update(lease);
  }
}

/** Turns one line of a watch stream into a WatchEvent. */
export function parseWatchLine<T extends KubeObject>(
  line: string,
  context: KubeErrorContext,
): WatchEvent<T> {
  let event: { type?: string; object?: unknown };
  try {
    event = JSON.parse(line) as typeof event;
  } catch (err) {
    throw new KubeError(KubeErrorCode.Transport, 0, '', 'unreadable watch event', context, {
      cause: err,
    });
  }
  switch (event.type) {
    case 'ADDED':
    case 'MODIFIED':
    case 'DELETED':
      return { type: event.type, object: event.object as T };
    case 'BOOKMARK': {
      const obj = event.object as KubeObject | undefined;
      return { type: 'BOOKMARK', resourceVersion: obj?.metadata.resourceVersion ?? '' };
    }
    case 'ERROR': {
      const s = (event.object ?? {}) as Status;
      const error = apiError(s.code ?? 500, s.reason ?? '', s.message ?? 'watch error', context);
      return { type: 'ERROR', error };
    }
    default:
      throw new KubeError(
        KubeErrorCode.Transport,
        0,
        '',
        `unknown watch event type '${String(event.type)}'`,
        context,
      );
  }
}
