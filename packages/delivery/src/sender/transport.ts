/**
 * Outgoing HTTP: one undici Agent (a keep-alive Pool per origin) shared by every delivery,
 * a per-attempt timeout that covers the whole exchange (like Go's http.Client.Timeout),
 * and the local-mode seam — a resolver that maps a cluster address to a local port while
 * the Host header keeps the original authority.
 */
import { Agent, util, type Dispatcher } from 'undici';
import { DeliveryError, DeliveryErrorCode } from '../errors.js';
import type { ResolveTarget } from '../local-resolver.js';

/** One POST. */
export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  body: Uint8Array;
  /** Abort the exchange after this long (DELIVERY_ERR_TIMEOUT). */
  timeoutMs?: number;
  /** The caller's cancellation (DELIVERY_ERR_ABORTED): the socket is released at once. */
  signal?: AbortSignal;
}

/** The response, with its body read completely. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
}

/** Sends one request; throws DeliveryError (Transport, Timeout, LocalResolve) without a response. */
export interface HttpTransport {
  post(req: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

export interface UndiciTransportOptions {
  /** Most sockets per origin (default 128); keep-alive reuses them. */
  connections?: number;
  /** How long an idle socket stays open (default 30 s). */
  keepAliveTimeoutMs?: number;
  /** Largest response body read (default 8 MiB); a bigger one is a transport error. */
  maxResponseBytes?: number;
  /** Local mode: where to connect for a URL, and the Host header to send. */
  resolve?: ResolveTarget;
}

/**
 * HttpTransport over undici with keep-alive pools. It drives the Agent's dispatch API
 * with a handler of its own rather than `request()`: `request()` wraps every response in a
 * Readable stream and every timeout in an AbortController, which together cost a
 * dispatcher about a tenth of its CPU per event, while a delivery only wants the whole
 * (small) body and one way to abort.
 */
export class UndiciTransport implements HttpTransport {
  private readonly agent: Agent;
  private readonly resolve: ResolveTarget | undefined;
  private readonly targets = new TargetCache();

  constructor(options: UndiciTransportOptions = {}) {
    this.agent = new Agent({
      connections: options.connections ?? 128,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
      maxResponseSize: options.maxResponseBytes ?? 8 * 1024 * 1024,
    });
    this.resolve = options.resolve;
  }

  async post(req: HttpRequest): Promise<HttpResponse> {
    let url = req.url;
    let headers = req.headers;
    if (this.resolve !== undefined) {
      const target = await this.resolve(req.url);
      url = target.connectUrl;
      headers = { ...headers, host: target.hostHeader };
    }
    if (isAborted(req.signal)) throw abortedError(req, req.signal?.reason);
    const { origin, path } = this.targets.of(url);
    return new Promise((resolve, reject) => {
      const exchange = new Exchange(req, resolve, reject);
      this.agent.dispatch({ origin, path, method: 'POST', headers, body: req.body }, exchange);
    });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/**
 * One request as an undici dispatch handler: collects the response, and settles once,
 * on the response, on the transport's error, on the attempt's timeout or on the caller's
 * abort, whichever comes first. An abort before undici handed over its `abort` (the
 * request still waits for a socket) is applied the moment it does.
 */
class Exchange implements Dispatcher.DispatchHandler {
  private abortRequest: ((reason: Error) => void) | undefined;
  private cancelled: Error | undefined;
  private settled = false;
  private status = 0;
  private headers: HttpResponse['headers'] = {};
  private readonly chunks: Buffer[] = [];
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly req: HttpRequest,
    private readonly resolve: (res: HttpResponse) => void,
    private readonly reject: (err: DeliveryError) => void,
  ) {
    const { timeoutMs, signal } = req;
    if (timeoutMs !== undefined) {
      this.timer = setTimeout(() => this.cancel(timeoutError(req)), timeoutMs).unref();
    }
    if (signal !== undefined) callerAborts.watch(signal, this);
  }

  /** The caller gave up. */
  callerAborted(reason: unknown): void {
    this.cancel(abortedError(this.req, reason));
  }

  onConnect(abort: (reason: Error) => void): void {
    if (this.cancelled !== undefined) return abort(this.cancelled);
    this.abortRequest = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    // 1xx answers (100 Continue) precede the response itself.
    if (statusCode < 200) return true;
    this.status = statusCode;
    this.headers = util.parseHeaders(rawHeaders);
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    const body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
    this.settle();
    this.resolve({ status: this.status, headers: this.headers, body: body ?? EMPTY });
  }

  onError(err: Error): void {
    if (this.settled) return;
    this.settle();
    this.reject(transportError(err, this.req));
  }

  /** The timeout or the caller's abort: answer at once, and free the socket. */
  private cancel(err: DeliveryError): void {
    if (this.settled) return;
    this.settle();
    this.cancelled = err;
    this.abortRequest?.(err);
    this.reject(err);
  }

  private settle(): void {
    this.settled = true;
    clearTimeout(this.timer);
    if (this.req.signal !== undefined) callerAborts.unwatch(this.req.signal, this);
  }
}

/**
 * The exchanges in flight per caller signal, behind one abort listener per signal. A
 * receiver's signal belongs to its connection and outlives many requests (hang-up.ts), and
 * a fan-out sends several at once under it: a listener added and removed per request costs
 * more than the set.
 */
class CallerAborts {
  private readonly bySignal = new WeakMap<AbortSignal, Set<Exchange>>();

  watch(signal: AbortSignal, exchange: Exchange): void {
    let exchanges = this.bySignal.get(signal);
    if (exchanges === undefined) {
      const watched = new Set<Exchange>();
      exchanges = watched;
      this.bySignal.set(signal, watched);
      signal.addEventListener(
        'abort',
        () => {
          this.bySignal.delete(signal);
          for (const e of watched) e.callerAborted(signal.reason);
        },
        { once: true },
      );
    }
    exchanges.add(exchange);
  }

  unwatch(signal: AbortSignal, exchange: Exchange): void {
    this.bySignal.get(signal)?.delete(exchange);
  }
}

const callerAborts = new CallerAborts();

const EMPTY = new Uint8Array(0);

/**
 * The origin and path of each destination URL, parsed once: a dispatcher sends to the
 * same few URLs over and over. Bounded, since URLs come from user objects.
 */
class TargetCache {
  private readonly byUrl = new Map<string, { origin: string; path: string }>();

  of(url: string): { origin: string; path: string } {
    let target = this.byUrl.get(url);
    if (target === undefined) {
      const parsed = new URL(url);
      target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
      if (this.byUrl.size >= MAX_CACHED_TARGETS) this.byUrl.clear();
      this.byUrl.set(url, target);
    }
    return target;
  }
}

const MAX_CACHED_TARGETS = 4096;

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function abortedError(req: HttpRequest, cause: unknown): DeliveryError {
  return new DeliveryError(
    DeliveryErrorCode.Aborted,
    `request to ${req.url} abandoned: the caller gave up`,
    { url: req.url },
    { cause },
  );
}

function timeoutError(req: HttpRequest): DeliveryError {
  return new DeliveryError(
    DeliveryErrorCode.Timeout,
    `no complete response from ${req.url} within ${req.timeoutMs} ms`,
    { url: req.url, timeoutMs: req.timeoutMs },
  );
}

function transportError(err: unknown, req: HttpRequest): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const cause = err as { code?: string; message?: string };
  return new DeliveryError(
    DeliveryErrorCode.Transport,
    `request to ${req.url} failed: ${cause.code ?? ''} ${cause.message ?? String(err)}`.trim(),
    { url: req.url, cause: cause.code },
    { cause: err },
  );
}
