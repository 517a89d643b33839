/**
 * The delivery engine: the one send path of every app. `send` delivers one event to one
 * URL with retries; `dispatch` is Knative's full subscriber leg (eventing
 * `event_dispatcher.go send`): subscriber (with `Prefer: reply`) → reply URL for a reply
 * event → dead-letter sink with the ORIGINAL event when either fails. Every attempt is
 * reported to the observer. Everything is bounded (limits.ts): a default per-attempt
 * timeout, capped retry delays, a dispatch deadline, and the caller's AbortSignal, which
 * stops the attempt in flight and any retry still to come.
 */
import { single, type HeaderMap } from '../binding/binary.js';
import { serializeHttpEvent } from '../binding/http.js';
import { DeliveryError, DeliveryErrorCode } from '../errors.js';
import { RecentEntryCache } from '../recent-entry-cache.js';
import type { CloudEvent } from '../event.js';
import { deadLetterEvent, type DeadLetterOptions, type DeliveryFailure } from './dead-letter.js';
import { forwardedHeaders, KN_NAMESPACE_HEADER, passThroughHeaders } from './headers.js';
import type { DeliveryObserver, DeliveryOutcome, DeliveryRole } from './outcome.js';
import { MALFORMED_REPLY_STATUS, readReply } from './reply.js';
import { boundedDelayMs, DEFAULT_DELIVERY_LIMITS, type DeliveryLimits } from './limits.js';
import { retryDelayMs, type DeliveryConfig } from './retry-policy.js';
import { isRetryableStatus, isSuccessStatus } from './retryable.js';
import { callLocal, type LocalDestination, type LocalDestinations } from './local-destination.js';
import {
  UndiciTransport,
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
} from './transport.js';

export interface SenderOptions {
  /** Defaults to an UndiciTransport owned (and closed) by the sender. */
  transport?: HttpTransport;
  observer?: DeliveryObserver;
  /** Injected for tests: waits between retries; resolves early when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Bounds on top of every DeliverySpec (defaults: DEFAULT_DELIVERY_LIMITS). */
  limits?: Partial<DeliveryLimits>;
  /**
   * `config-features` as it is now (read on every delivery, so a changed ConfigMap applies
   * at once): with `delivery-timeout` disabled `delivery.timeout` is ignored, with
   * `delivery-retryafter` disabled Retry-After is (Knative's semantics for both flags).
   */
  features?: () => DeliveryFeatures;
  /** Injected for tests: epoch milliseconds, for durations and Retry-After dates. */
  now?: () => number;
  /**
   * broker-filter's host, whose error bodies are unwrapped into dead letters (default
   * `broker-filter.knative-eventing.svc.cluster.local`; set it for another system
   * namespace or cluster domain).
   */
  brokerFilterHost?: string;
  /**
   * Destinations this process serves itself (local-destination.ts): their attempts call
   * the local handler with the event, unserialized, instead of the transport.
   */
  localDestinations?: LocalDestinations;
}

/** The delivery flags of `config-features`. */
export interface DeliveryFeatures {
  deliveryTimeout: boolean;
  deliveryRetryAfter: boolean;
}

const KNATIVE_DEFAULT_FEATURES: DeliveryFeatures = {
  deliveryTimeout: true,
  deliveryRetryAfter: false,
};

/** One destination, one role. */
export interface SendOptions {
  config: DeliveryConfig;
  role?: DeliveryRole;
  /** Extra request headers, already filtered (see passThroughHeaders). */
  headers?: Record<string, string>;
  /** The caller's cancellation: aborts the attempt in flight and every later one. */
  signal?: AbortSignal;
  /** Epoch ms after which no retry starts and no attempt lasts (dispatch sets it). */
  deadline?: number;
  /**
   * Make only this attempt (1-based) of the retry + 1, and report the wait before the
   * next one (`retryInMs`) instead of sleeping: for a caller that keeps the retry itself,
   * as a JetStream redelivery does, so that it outlives this process.
   */
  attempt?: number;
}

export type SendResult =
  | {
      ok: true;
      status: number;
      headers: HttpResponse['headers'];
      body: Uint8Array;
      reply?: CloudEvent;
    }
  | {
      ok: false;
      failure: DeliveryFailure;
      error: DeliveryError;
      /** The last response, when the destination answered (non-2xx or malformed reply). */
      response?: HttpResponse;
      /** With `attempt`: not final, attempt again after this wait. */
      retryInMs?: number;
    };

/** A subscriber delivery as a channel or trigger describes it. */
export interface DispatchRequest {
  subscriber: string;
  reply?: string;
  deadLetterSink?: string;
  config: DeliveryConfig;
  /** Headers of the incoming request; only the pass-through set is forwarded. */
  headers?: HeaderMap;
  /** Namespace of the Subscription/Trigger, sent as `Kn-Namespace`. */
  namespace?: string;
  /** The caller's cancellation (a sync sender that hung up, shutdown). */
  signal?: AbortSignal;
  /** Budget for the subscriber and reply legs; default: the limits' dispatch deadline. */
  deadlineMs?: number;
  /**
   * The subscriber attempt this is (1-based), when the caller keeps the retries: only that
   * attempt is made, and a retryable failure before the last returns `retryInMs` (no dead
   * letter yet). A number past retry + 1 counts as the last attempt.
   */
  attempt?: number;
}

export interface DispatchResult {
  /** Delivered (and any reply forwarded), or dead-lettered: the event is done. */
  ok: boolean;
  deadLettered: boolean;
  /** The subscriber's final status (undefined without a response). */
  status?: number;
  /** What failed, when !ok or deadLettered. */
  error?: DeliveryError;
  /** The reply event, when the subscriber sent one. */
  reply?: CloudEvent;
  /** With `attempt`: the subscriber failed, and is to be tried again after this wait. */
  retryInMs?: number;
}

type Attempt = { response: HttpResponse; reply?: CloudEvent } | { failure: Failed };
type Failed = {
  status?: number;
  body: Uint8Array;
  error: DeliveryError;
  retryAfter?: string;
  response?: HttpResponse;
};

const utf8 = new TextEncoder();

/** Sends events with retries, replies and dead letters. One per process is enough. */
export class Sender {
  private readonly transport: HttpTransport;
  private readonly ownsTransport: boolean;
  private readonly observer: DeliveryObserver | undefined;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => number;
  private readonly deadLetterOptions: DeadLetterOptions;
  private readonly limits: DeliveryLimits;
  private readonly features: () => DeliveryFeatures;
  private readonly localDestinations: LocalDestinations | undefined;
  private readonly effectiveConfigs = new WeakMap<DeliveryConfig, DeliveryConfig>();
  private readonly merged = new RecentEntryCache<
    Readonly<Record<string, string>>,
    { own: object; role: DeliveryRole; headers: Readonly<Record<string, string>> }
  >();

  constructor(options: SenderOptions = {}) {
    this.ownsTransport = options.transport === undefined;
    this.transport = options.transport ?? new UndiciTransport();
    this.observer = options.observer;
    this.sleep = options.sleep ?? abortableSleep;
    this.now = options.now ?? Date.now;
    this.limits = { ...DEFAULT_DELIVERY_LIMITS, ...options.limits };
    this.features = options.features ?? (() => KNATIVE_DEFAULT_FEATURES);
    this.localDestinations = options.localDestinations;
    this.deadLetterOptions =
      options.brokerFilterHost === undefined ? {} : { brokerFilterHost: options.brokerFilterHost };
  }

  /** Deliver to one URL, retrying retryable failures; total attempts = retry + 1. */
  async send(event: CloudEvent, url: string, options: SendOptions): Promise<SendResult> {
    const { role = 'subscriber', signal, deadline } = options;
    const config = this.effective(options.config);
    const way = this.wayTo(event, url, config);
    const headers = this.requestHeaders(options.headers, way.headers, role);
    const maxAttempts = config.retry + 1;
    const only = options.attempt === undefined ? undefined : Math.min(options.attempt, maxAttempts);
    for (let attempt = only ?? 1; ; attempt++) {
      const started = this.now();
      const timeoutMs = attemptTimeout(config.timeoutMs, deadline, started);
      // The transport takes this request as it is: no copy per attempt.
      const request: HttpRequest = { url, headers, body: way.body, timeoutMs, signal };
      const result = await this.attempt(request, role, way.local, event);
      const tried: Tried = { event, role, url, attempt, maxAttempts, started };
      if ('response' in result) {
        this.emit(tried, result.response.status);
        const { status, headers: resHeaders, body } = result.response;
        return {
          ok: true,
          status,
          headers: resHeaders,
          body,
          ...(result.reply && { reply: result.reply }),
        };
      }
      const { failure } = result;
      const retryable =
        attempt < maxAttempts &&
        isRetryableStatus(failure.status) &&
        failure.error.code !== DeliveryErrorCode.Aborted;
      let delay = retryable
        ? boundedDelayMs(retryDelayMs(config, attempt, failure, this.now()), this.limits)
        : undefined;
      // The dispatch deadline bounds this process's waiting; a retry kept by the caller
      // waits elsewhere.
      const waitsHere = only === undefined;
      if (
        waitsHere &&
        delay !== undefined &&
        deadline !== undefined &&
        this.now() + delay >= deadline
      ) {
        failure.error = deadlineExceeded(url, attempt, failure.error);
        delay = undefined;
      }
      this.emit(tried, failure.status, failure.error, delay);
      if (delay === undefined || only !== undefined) {
        const { status, body, error, response } = failure;
        return {
          ok: false,
          error,
          failure: { destination: url, status, body },
          ...(response && { response }),
          ...(delay !== undefined && { retryInMs: delay }),
        };
      }
      if (delay > 0) await this.sleep(delay, signal);
    }
  }

  /** Subscriber → reply → dead-letter sink, as Knative's dispatcher does. */
  async dispatch(event: CloudEvent, req: DispatchRequest): Promise<DispatchResult> {
    const base = forwardedHeaders(req.headers, req.namespace);
    const deadline = this.now() + (req.deadlineMs ?? this.limits.dispatchDeadlineMs);
    const bounds = { deadline, ...(req.signal && { signal: req.signal }) };
    const sent = await this.send(event, req.subscriber, {
      config: req.config,
      headers: base,
      ...bounds,
      ...(req.attempt !== undefined && { attempt: req.attempt }),
    });
    if (!sent.ok && sent.retryInMs !== undefined) {
      const { status } = sent.failure;
      return {
        ok: false,
        deadLettered: false,
        status,
        error: sent.error,
        retryInMs: sent.retryInMs,
      };
    }
    if (!sent.ok) return this.deadLetter(event, req, sent.failure, sent.error, base);
    const done: DispatchResult = { ok: true, deadLettered: false, status: sent.status };
    // Without a reply destination a reply is discarded: the delivery is complete.
    if (sent.reply === undefined) return done;
    done.reply = sent.reply;
    if (req.reply === undefined) return done;
    const replyHeaders = passThroughHeaders(sent.headers);
    if (req.namespace !== undefined) replyHeaders[KN_NAMESPACE_HEADER] = req.namespace;
    const forwarded = await this.send(sent.reply, req.reply, {
      config: req.config,
      role: 'reply',
      headers: replyHeaders,
      ...bounds,
    });
    if (forwarded.ok) return done;
    const dl = await this.deadLetter(event, req, forwarded.failure, forwarded.error, replyHeaders);
    return { ...dl, status: sent.status, reply: sent.reply };
  }

  /**
   * The caller's headers, the event's and, for a subscriber, `Prefer: reply` (data-plane-spec
   * E.34). A fan-out sends one event with one request's headers to every subscriber: when
   * both parts are shared (frozen), so is the result, made once for all of them.
   */
  private requestHeaders(
    extra: Readonly<Record<string, string>> | undefined,
    own: Readonly<Record<string, string>>,
    role: DeliveryRole,
  ): Readonly<Record<string, string>> {
    const shared = extra !== undefined && Object.isFrozen(extra) && Object.isFrozen(own);
    const known = shared ? this.merged.get(extra) : undefined;
    if (known !== undefined && known.own === own && known.role === role) return known.headers;
    const headers =
      role === 'subscriber' ? { ...extra, ...own, prefer: 'reply' } : { ...extra, ...own };
    if (shared) this.merged.set(extra, { own, role, headers: Object.freeze(headers) });
    return headers;
  }

  async close(): Promise<void> {
    if (this.ownsTransport) await this.transport.close();
  }

  private async deadLetter(
    original: CloudEvent,
    req: DispatchRequest,
    failure: DeliveryFailure,
    error: DeliveryError,
    headers: Record<string, string>,
  ): Promise<DispatchResult> {
    const status = failure.status;
    // A caller that gave up will send again: dead-lettering now would duplicate the event.
    const abandoned = error.code === DeliveryErrorCode.Aborted;
    if (req.deadLetterSink === undefined || abandoned) {
      return { ok: false, deadLettered: false, status, error };
    }
    // The dead letter has attempts of its own: the spent deadline must not lose the event.
    const dlq = await this.send(
      deadLetterEvent(original, failure, this.deadLetterOptions),
      req.deadLetterSink,
      {
        config: req.config,
        role: 'deadletter',
        headers,
        ...(req.signal && { signal: req.signal }),
      },
    );
    if (dlq.ok) return { ok: true, deadLettered: true, status, error };
    return { ok: false, deadLettered: false, status, error: dlq.error };
  }

  /** The config as the limits and `config-features` let it run. */
  private effective(config: DeliveryConfig): DeliveryConfig {
    const features = this.features();
    const timeoutMs =
      (features.deliveryTimeout ? config.timeoutMs : undefined) ??
      this.limits.defaultAttemptTimeoutMs;
    const retryAfterMaxMs = features.deliveryRetryAfter ? config.retryAfterMaxMs : undefined;
    // Configs live as long as their subscription, and every attempt asks: the answer is
    // kept with the config, for as long as the flags stay as they were.
    const known = this.effectiveConfigs.get(config);
    if (
      known !== undefined &&
      known.timeoutMs === timeoutMs &&
      known.retryAfterMaxMs === retryAfterMaxMs
    ) {
      return known;
    }
    // Built without the unused key rather than deleting it: a deleted key makes the object
    // a slow dictionary.
    const { retryAfterMaxMs: _configured, ...rest } = config;
    const effective: DeliveryConfig = {
      ...rest,
      timeoutMs,
      ...(retryAfterMaxMs !== undefined && { retryAfterMaxMs }),
    };
    this.effectiveConfigs.set(config, effective);
    return effective;
  }

  /**
   * How attempts reach `url`: over the transport with the serialized event, or, for a
   * destination this process serves itself, a local call with the event as it is.
   */
  private wayTo(event: CloudEvent, url: string, config: DeliveryConfig): Way {
    const local = this.localDestinations?.(url);
    if (local !== undefined) return { headers: NO_HEADERS, body: EMPTY_BODY, local };
    const payload = serializeHttpEvent(event, config.format);
    return { headers: payload.headers, body: payload.body, local: undefined };
  }

  /** One attempt: over the transport, or a call of the local destination. */
  private async attempt(
    request: HttpRequest,
    role: DeliveryRole,
    local: LocalDestination | undefined,
    event: CloudEvent,
  ): Promise<Attempt> {
    const { url } = request;
    let response: HttpResponse;
    try {
      response =
        local === undefined
          ? await this.transport.post(request)
          : await callLocal(local, { ...request, event }, this.now);
    } catch (err) {
      if (!(err instanceof DeliveryError)) throw err;
      // Knative's DLS data for a transport failure is this text (event_dispatcher.go).
      return { failure: { body: utf8.encode(`dispatch error: ${err.message}`), error: err } };
    }
    const { status } = response;
    if (!isSuccessStatus(status)) {
      const error = new DeliveryError(DeliveryErrorCode.HttpStatus, `${url} answered ${status}`, {
        url,
        status,
      });
      const retryAfter = single(response.headers['retry-after']);
      return { failure: { status, body: response.body, error, retryAfter, response } };
    }
    if (role !== 'subscriber') return { response };
    const reading = readReply(status, response.headers, response.body);
    if (reading.kind === 'none') return { response };
    if (reading.kind === 'reply') return { response, reply: reading.event };
    const error = new DeliveryError(
      DeliveryErrorCode.MalformedReply,
      `${url} replied with a malformed event: ${reading.error.message}`,
      { url, reason: reading.error.reason },
      { cause: reading.error },
    );
    return { failure: { status: MALFORMED_REPLY_STATUS, body: response.body, error, response } };
  }

  private emit(
    tried: Tried,
    status: number | undefined,
    error?: DeliveryError,
    retryDelay?: number,
  ): void {
    if (this.observer === undefined) return;
    const { attributes } = tried.event;
    const outcome: DeliveryOutcome = {
      eventId: attributes['id'] ?? '',
      eventSource: attributes['source'] ?? '',
      eventType: attributes['type'] ?? '',
      role: tried.role,
      destination: tried.url,
      attempt: tried.attempt,
      maxAttempts: tried.maxAttempts,
      durationMs: this.now() - tried.started,
      willRetry: retryDelay !== undefined,
      status,
      error: error === undefined ? undefined : { code: error.code, message: error.message },
      retryDelayMs: retryDelay,
    };
    this.observer(outcome);
  }
}

/** One attempt made, as the observer hears of it. */
interface Tried {
  event: CloudEvent;
  role: DeliveryRole;
  url: string;
  attempt: number;
  maxAttempts: number;
  started: number;
}

/** How one send reaches its destination (see wayTo). */
interface Way {
  headers: Readonly<Record<string, string>>;
  body: Uint8Array;
  local: LocalDestination | undefined;
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
const EMPTY_BODY = new Uint8Array(0);

/** The attempt's timeout, shortened so that it ends by the deadline. */
function attemptTimeout(
  timeoutMs: number | undefined,
  deadline: number | undefined,
  now: number,
): number | undefined {
  if (deadline === undefined) return timeoutMs;
  const left = Math.max(1, deadline - now);
  return timeoutMs === undefined ? left : Math.min(timeoutMs, left);
}

function deadlineExceeded(url: string, attempt: number, last: DeliveryError): DeliveryError {
  return new DeliveryError(
    DeliveryErrorCode.DeadlineExceeded,
    `gave up on ${url} after ${attempt} attempt(s): the dispatch deadline would pass before the next retry (last: ${last.message})`,
    { url, attempt, last: last.code },
    { cause: last },
  );
}

/** setTimeout as a promise that settles early (without error) when `signal` aborts. */
function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
