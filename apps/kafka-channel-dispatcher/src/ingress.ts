/**
 * The KafkaChannel ingress (eventing-kafka-broker receiver `IngressRequestHandlerImpl`),
 * with imc-dispatcher's routing and refusals: 405 for non-POST (OPTIONS answered as the
 * spec says), 400 for a bad path, 404 for an unknown channel (or one whose topic is not
 * created yet), 413 above the body limit, 400/415 for what the binding rejects, and, as
 * imc-dispatcher, 503 + Retry-After above the in-flight budget. Accepted events are written
 * to the channel's topic: 202 only once Kafka acknowledged the write, 503 when Kafka could
 * not store it (with Retry-After when the writer is full).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  answerNonPost,
  eventKey,
  readEvent,
  writeRefusal,
  writeOverloaded,
  writeText,
  type Admission,
  type CloudEvent,
  type EventRequestHandler,
} from '@knative-ts/delivery';
import type { EventTypeObserver } from '@knative-ts/eventtype-registry';
import { ApiVersionOfKind } from '@knative-ts/types';
import type { Logger } from '@knative-ts/runtime';
import type { ChannelConfig } from './channel-config.js';
import type { ChannelTable } from '@knative-ts/delivery';
import { WriteError } from './event-writer.js';
import { toRecord, type EventRecord } from './kafka-binding.js';

/** What the ingress needs of the writer. */
export interface Writer {
  write(topic: string, record: EventRecord): Promise<void>;
}

export interface IngressOptions {
  table: ChannelTable<ChannelConfig>;
  /** False until the first list of channels is loaded: until then nothing is known to be unknown. */
  synced(): boolean;
  writer: Writer;
  /** Events and bytes in flight before 503 + Retry-After (shared with imc-dispatcher). */
  admission: Admission;
  maxBodyBytes: number;
  log: Logger;
  /** Counts a refused or failed request (Knative's event_count with its response code). */
  rejected(channel: Pick<ChannelConfig, 'namespace' | 'name'>, status: number): void;
  /** Registers the (type, source) of stored events (`eventtype-auto-create`). */
  eventTypes?: EventTypeObserver;
}

/** The request handler of the event receiver (errors it throws become a 500). */
export function createIngressHandler(options: IngressOptions): EventRequestHandler {
  return (req, res) => handle(options, req, res);
}

async function handle(o: IngressOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (answerNonPost(req, res, { options: true })) return;
  if (!o.synced()) return writeText(res, 503, 'channels not loaded yet', { 'retry-after': '1' });
  const route = o.table.route(req.headers.host, req.url ?? '/');
  if (route.kind === 'bad-path') return writeText(res, 400, `path is not /<namespace>/<name>`);
  if (route.kind === 'unknown' || !route.channel.topicReady) {
    const key =
      route.kind === 'unknown' ? route.key : `${route.channel.namespace}/${route.channel.name}`;
    return writeText(res, 404, `unknown channel ${key}`);
  }
  const channel = route.channel;
  const ticket = o.admission.tryAdmit(declaredLength(req));
  if (ticket === undefined) {
    o.rejected(channel, 503);
    return writeOverloaded(res, o.admission.limits);
  }
  try {
    const reading = await readEvent(req, o.maxBodyBytes);
    if (!reading.ok) {
      o.rejected(channel, reading.status);
      return writeRefusal(res, reading);
    }
    await write(o, channel, reading.event, res);
  } finally {
    ticket.release();
  }
}

async function write(
  o: IngressOptions,
  channel: ChannelConfig,
  event: CloudEvent,
  res: ServerResponse,
): Promise<void> {
  try {
    await o.writer.write(channel.topic, toRecord(event));
  } catch (err) {
    o.rejected(channel, 503);
    o.log.warn(
      { err, channel: `${channel.namespace}/${channel.name}`, event: eventKey(event) },
      'event not stored',
    );
    if (err instanceof WriteError && err.code === 'Overloaded') {
      return writeOverloaded(res, o.admission.limits);
    }
    return writeText(res, 503, (err as Error).message);
  }
  const { namespace, name } = channel;
  o.eventTypes?.observe(
    { apiVersion: ApiVersionOfKind.KafkaChannel, kind: 'KafkaChannel', namespace, name },
    event,
  );
  writeText(res, 202, '');
}

/** Content-Length when the sender gave one (what the budget can know before reading). */
function declaredLength(req: IncomingMessage): number {
  const n = Number(req.headers['content-length']);
  return Number.isFinite(n) && n > 0 ? n : 0;
}
