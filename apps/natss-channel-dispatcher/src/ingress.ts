/**
 * The channel ingress for every JetStream channel: the same routing and answers as the
 * other channels (405 for non-POST with OPTIONS answered, 400 for a bad path, 404 for an
 * unknown channel, 413 above the body limit, 400/415 for what the binding rejects), then
 * 202 once JetStream acknowledged the publish, 503 (with Retry-After) when it could not
 * store the event, and 503 + Retry-After past the receiver's in-flight budget (as every
 * receiver).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  answerNonPost,
  eventKey,
  readEvent,
  writeOverloaded,
  writeRefusal,
  writeText,
  type Admission,
  type ChannelMetrics,
  type ChannelTable,
  type EventRequestHandler,
} from '@knative-ts/delivery';
import type { EventTypeObserver } from '@knative-ts/eventtype-registry';
import type { Logger } from '@knative-ts/runtime';
import { MessagingV1alpha1 } from '@knative-ts/types';
import type { JetStreamChannelConfig } from './channel-config.js';
import type { Publisher } from './publisher.js';

export interface IngressOptions {
  table: ChannelTable<JetStreamChannelConfig>;
  publisher: Pick<Publisher, 'publish'>;
  maxBodyBytes: number;
  log: Logger;
  metrics: Pick<ChannelMetrics, 'rejected'>;
  /** The events-in-flight budget every receiver has: past it, 503 + Retry-After. */
  admission: Admission;
  /** Registers the (type, source) of stored events (`eventtype-auto-create`). */
  eventTypes?: EventTypeObserver;
}

/** Seconds a refused producer should wait before retrying. */
const RETRY_AFTER_S = '1';

export function createIngressHandler(options: IngressOptions): EventRequestHandler {
  return (req, res) => handle(options, req, res);
}

async function handle(o: IngressOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (answerNonPost(req, res, { options: true })) return;
  const route = o.table.route(req.headers.host, req.url ?? '/');
  if (route.kind === 'bad-path') return writeText(res, 400, `path is not /<namespace>/<name>`);
  if (route.kind === 'unknown') return writeText(res, 404, `unknown channel ${route.key}`);
  const channel = route.channel;
  const ticket = o.admission.tryAdmit(declaredLength(req));
  if (ticket === undefined) {
    o.metrics.rejected(channel.namespace, 503);
    return writeOverloaded(res, o.admission.limits);
  }
  try {
    await store(o, channel, req, res);
  } finally {
    ticket.release();
  }
}

async function store(
  o: IngressOptions,
  channel: JetStreamChannelConfig,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const reading = await readEvent(req, o.maxBodyBytes);
  if (!reading.ok) {
    o.metrics.rejected(channel.namespace, reading.status);
    return writeRefusal(res, reading);
  }
  const result = await o.publisher.publish(channel.stream, channel.subject, reading.event);
  if (result.ok) {
    const { kind, namespace, name } = channel;
    o.eventTypes?.observe({ apiVersion: MessagingV1alpha1, kind, namespace, name }, reading.event);
    return writeText(res, 202, '');
  }
  o.metrics.rejected(channel.namespace, result.status, reading.event.attributes['type'] ?? '');
  o.log.warn(
    {
      channel: `${channel.namespace}/${channel.name}`,
      event: eventKey(reading.event),
      status: result.status,
      reason: result.message,
    },
    'event not stored',
  );
  writeText(res, result.status, result.message, { 'retry-after': RETRY_AFTER_S });
}

/** Content-Length when the sender gave one (what the budget can know before reading). */
function declaredLength(req: IncomingMessage): number {
  const n = Number(req.headers['content-length']);
  return Number.isFinite(n) && n > 0 ? n : 0;
}
