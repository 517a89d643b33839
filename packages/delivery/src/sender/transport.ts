/**
 * Outgoing HTTP: one undici Agent (a keep-alive Pool per origin) shared by every delivery,
 * a per-attempt timeout that covers the whole exchange (like Go's http.Client.Timeout),
 * and the local-mode seam — a resolver that maps a cluster address to a local port while
 * the Host header keeps the original authority.
 */
import { Agent, request } from 'undici';
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

/** HttpTransport over undici with keep-alive pools. */
export class UndiciTransport implements HttpTransport {
  private readonly agent: Agent;
  private readonly resolve: ResolveTarget | undefined;

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
    // One controller for the timeout and the caller's signal (AbortSignal.any costs a
    // signal more and a few percent of a dispatcher's CPU per event).
    const caller = req.signal;
    const exchange =
      req.timeoutMs === undefined && caller === undefined ? undefined : new AbortController();
    const state = { timedOut: false };
    const timer =
      exchange === undefined || req.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            state.timedOut = true;
            exchange.abort();
          }, req.timeoutMs).unref();
    const onAbort = (): void => exchange?.abort(caller?.reason);
    caller?.addEventListener('abort', onAbort, { once: true });
    const signal = exchange?.signal;
    try {
      const res = await request(url, {
        dispatcher: this.agent,
        method: 'POST',
        headers,
        body: req.body,
        signal,
      });
      const body = new Uint8Array(await res.body.arrayBuffer());
      return { status: res.statusCode, headers: res.headers, body };
    } catch (err) {
      // Checked anew: the caller may have aborted while the request was in flight.
      if (isAborted(req.signal)) throw abortedError(req, err);
      throw transportError(err, req, state.timedOut);
    } finally {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

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

function transportError(err: unknown, req: HttpRequest, timedOut: boolean): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const cause = err as { code?: string; message?: string };
  if (timedOut) {
    return new DeliveryError(
      DeliveryErrorCode.Timeout,
      `no complete response from ${req.url} within ${req.timeoutMs} ms`,
      { url: req.url, timeoutMs: req.timeoutMs },
      { cause: err },
    );
  }
  return new DeliveryError(
    DeliveryErrorCode.Transport,
    `request to ${req.url} failed: ${cause.code ?? ''} ${cause.message ?? String(err)}`.trim(),
    { url: req.url, cause: cause.code },
    { cause: err },
  );
}
