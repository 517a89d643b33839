/**
 * @knative-ts/delivery — the data plane's delivery engine, shared by every dispatcher,
 * broker-filter and the adapters.
 *
 * Event model: a plain object `CloudEvent { attributes: Record<string, string>; data?: Uint8Array }`.
 * Attributes hold each value's canonical string form (what binary mode carries), data the
 * exact bytes received; nothing is invented (no default `id` or `time`) and nothing is
 * re-encoded, so an event leaves as it arrived.
 *
 * Receive: `parseHttpEvent({ headers, body })` reads binary or structured (JSON) mode
 * strictly and throws `BindingError` with `status` (400, or 415 for a non-JSON structured
 * format) and a stable `reason`; batched mode is answered 400 like Knative.
 * Send: `serializeHttpEvent(event, 'binary' | 'json')`.
 *
 * Deliver: compile each DeliverySpec once with `compileDelivery(spec)`, then
 * `sender.dispatch(event, { subscriber, reply, deadLetterSink, config, headers, namespace })`
 * runs subscriber → reply → dead-letter sink with retries, backoff, Retry-After, timeouts
 * and Knative's error extensions; `sender.send` is the single-destination primitive.
 * Every HTTP attempt is reported as a `DeliveryOutcome` to the one injected observer.
 *
 * Local mode: `new UndiciTransport({ resolve: new LocalResolver({ kube }).resolve })`.
 *
 * Receive side (every ingress): `startEventReceiver` (async handlers, draining close,
 * 100-continue only when the body is wanted), `answerNonPost` (405, or OPTIONS 200 with
 * `Allow: POST, OPTIONS`), `readEvent` (413 above the body limit, 400/415 from the binding,
 * repeated headers refused) and `writeRefusal` (a 413 drains the rest of the body, bounded,
 * so the client reads it); the broker's TTL and arrival-time extensions in `broker-ttl`.
 * CloudEvents 1.0 and 0.3 are read and forwarded in their own version; binary-mode
 * headers that were not percent-encoding (Go senders) are forwarded as they came.
 *
 * Channel dispatchers: `ChannelTable` routes a request to its channel by Host header or
 * `/<ns>/<name>`; `ChannelMetrics` records Knative's channel metrics from delivery outcomes;
 * `TriggerPrefilter` spares a broker's trigger channel the request to broker-filter for a
 * Trigger whose filter rejects the event (`watchTriggers` feeds it; `prefilteredSender`
 * applies it for a durable dispatcher, which then settles the message as delivered).
 */
export { BindingError, BindingReason, DeliveryError, DeliveryErrorCode } from './errors.js';
export {
  eventKey,
  KnativeErrorExtension,
  REQUIRED_ATTRIBUTES,
  SPEC_VERSION,
  SPEC_VERSIONS,
  withAttributes,
  type CloudEvent,
  type ReceivedHeader,
} from './event.js';
export { isRfc3339, validateAttributes } from './binding/attributes.js';
export type { HeaderMap } from './binding/binary.js';
export {
  decodeHeader,
  decodeHeaderValue,
  encodeHeaderValue,
  type DecodedHeader,
} from './binding/header-value.js';
export {
  carriesEvent,
  parseHttpEvent,
  serializeHttpEvent,
  type EventFormat,
  type EventPayload,
  type HttpMessage,
} from './binding/http.js';
export { contentModeOf, type ContentMode } from './binding/media-type.js';
export { STRUCTURED_CONTENT_TYPE } from './binding/structured.js';
export {
  deadLetterEvent,
  decodeBrokerFilterError,
  DEFAULT_BROKER_FILTER_HOST,
  encodeBrokerFilterError,
  errorData,
  NO_RESPONSE_CODE,
  unwrapBrokerFilterFailure,
  type BrokerFilterErrorBody,
  type DeadLetterOptions,
  type DeliveryFailure,
} from './sender/dead-letter.js';
export { forwardedHeaders, KN_NAMESPACE_HEADER, passThroughHeaders } from './sender/headers.js';
export {
  callLocal,
  type LocalCall,
  type LocalDestination,
  type LocalDestinations,
} from './sender/local-destination.js';
export type { DeliveryObserver, DeliveryOutcome, DeliveryRole } from './sender/outcome.js';
export { MALFORMED_REPLY_STATUS, readReply, type ReplyReading } from './sender/reply.js';
export { parseHttpDate, parseRetryAfter } from './sender/retry-after.js';
export {
  backoffMs,
  compileDelivery,
  NO_RETRIES,
  retryDelayMs,
  type DeliveryConfig,
  type FailedResponse,
} from './sender/retry-policy.js';
export { isRetryableStatus, isSuccessStatus } from './sender/retryable.js';
export {
  Sender,
  type DeliveryFeatures,
  type DispatchRequest,
  type DispatchResult,
  type SenderOptions,
  type SendOptions,
  type SendResult,
} from './sender/sender.js';
export {
  UndiciTransport,
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
  type UndiciTransportOptions,
} from './sender/transport.js';
export {
  LocalResolver,
  type LocalResolverOptions,
  type ResolvedTarget,
  type ResolveTarget,
} from './local-resolver.js';
export { readBody, type BodyReading } from './receiver/body.js';
export { DEFAULT_DRAIN_LIMITS, writeTooLarge, type DrainLimits } from './receiver/oversized.js';
export { distinctHeaders } from './receiver/request-headers.js';
export {
  answerNonPost,
  OPTIONS_HEADERS,
  readEvent,
  TOO_LARGE_REASON,
  writeRefusal,
  writeText,
  type EventReading,
  type MethodRules,
} from './receiver/request.js';
export {
  startEventReceiver,
  type EventReceiver,
  type EventReceiverOptions,
  type EventRequestHandler,
} from './receiver/server.js';
export {
  ARRIVAL_TIME_ATTRIBUTE,
  BROKER_TTL_ATTRIBUTE,
  DEFAULT_MAX_TTL,
  nextBrokerTtl,
  readBrokerTtl,
  stripBrokerTtl,
  type StrippedEvent,
} from './receiver/broker-ttl.js';
export {
  admissionLimits,
  createTransport,
  receiverSchema,
  senderSchema,
  senderSettings,
} from './data-plane.js';
export {
  Admission,
  writeOverloaded,
  type AdmissionLimits,
  type AdmissionTicket,
} from './receiver/admission.js';
export { abortOnHangUp } from './receiver/hang-up.js';
export { logDeliveryFailures, observeAll, type FailureLogger } from './sender/failure-log.js';
export {
  boundedDelayMs,
  DEFAULT_DELIVERY_LIMITS,
  MAX_TIMER_MS,
  type DeliveryLimits,
} from './sender/limits.js';
export { ChannelTable, hostOf, type Routable, type Route } from './channel/channel-table.js';
export { TriggerPrefilter, type CompileTriggerFilter } from './channel/trigger-prefilter.js';
export { TriggerUris, type TriggerTarget } from './channel/trigger-uri.js';
export { triggerInformer, triggerPrefilterSchema, watchTriggers } from './channel/trigger-watch.js';
export { prefilteredSender } from './channel/prefiltered-sender.js';
export {
  ChannelMetrics,
  DISPATCH_BUCKETS_MS,
  type ChannelMetricsOptions,
} from './channel/channel-metrics.js';
