/**
 * The JetStream stream of a NatssChannel / NatsJetStreamChannel, as eventing-natss's
 * buildStreamConfig makes it: name `KN_<NS>__<NAME>` (or `stream.overrideName`), subjects
 * `<ns>.<name>._knative` plus `additionalSubjects`, and every `stream.config` field in
 * JetStream's own terms. Fields left out get JetStream's defaults, written explicitly so
 * that removing a setting from the channel reverts the stream. Pure.
 */
import { nanos, parseGoDuration } from '@knative-ts/nats';
import {
  jetStreamSubject,
  natssStreamName,
  type NatssChannel,
  type StreamSource,
} from '@knative-ts/types';

/** The part of JetStream's StreamConfig the channel decides (JSON API field names). */
export interface DesiredStream {
  name: string;
  subjects: string[];
  retention: 'limits' | 'interest' | 'workqueue';
  max_consumers: number;
  max_msgs: number;
  max_bytes: number;
  discard: 'old' | 'new';
  /** Nanoseconds; 0 = no limit. */
  max_age: number;
  max_msg_size: number;
  storage: 'file' | 'memory';
  num_replicas: number;
  no_ack: boolean;
  /** Nanoseconds; only sent when set (JetStream then picks min(2m, max_age)). */
  duplicate_window?: number;
  placement?: { cluster: string; tags?: string[] };
  mirror?: JetStreamSource;
  sources?: JetStreamSource[];
}

export interface JetStreamSource {
  name: string;
  opt_start_seq?: number;
  opt_start_time?: string;
  filter_subject?: string;
}

export type StreamBuild = { ok: true; stream: DesiredStream } | { ok: false; message: string };

const RETENTION = { Limits: 'limits', Interest: 'interest', Work: 'workqueue' } as const;
const DISCARD = { Old: 'old', New: 'new' } as const;
const STORAGE = { File: 'file', Memory: 'memory' } as const;

/** The desired stream, or why the channel's stream config cannot be one. */
export function makeStreamConfig(channel: NatssChannel): StreamBuild {
  const c = channel.spec?.stream?.config ?? {};
  const { namespace = '', name = '' } = channel.metadata;
  let maxAge = 0;
  let duplicateWindow: number | undefined;
  try {
    if (c.maxAge) maxAge = nanos(parseGoDuration(c.maxAge));
    if (c.duplicateWindow) duplicateWindow = nanos(parseGoDuration(c.duplicateWindow));
  } catch (err) {
    return { ok: false, message: `spec.stream.config: ${(err as Error).message}` };
  }
  const stream: DesiredStream = {
    name: natssStreamName(channel),
    subjects: [jetStreamSubject(namespace, name), ...(c.additionalSubjects ?? [])],
    retention: RETENTION[c.retention as keyof typeof RETENTION] ?? 'limits',
    max_consumers: c.maxConsumers || -1,
    max_msgs: c.maxMsgs || -1,
    max_bytes: c.maxBytes || -1,
    discard: DISCARD[c.discard as keyof typeof DISCARD] ?? 'old',
    max_age: maxAge,
    max_msg_size: c.maxMsgSize || -1,
    storage: STORAGE[c.storage as keyof typeof STORAGE] ?? 'file',
    num_replicas: c.replicas || 1,
    no_ack: c.noAck ?? false,
  };
  if (duplicateWindow !== undefined) stream.duplicate_window = duplicateWindow;
  if (c.placement?.cluster) {
    stream.placement = { cluster: c.placement.cluster };
    if (c.placement.tags) stream.placement.tags = c.placement.tags;
  }
  if (c.mirror) stream.mirror = source(c.mirror);
  if (c.sources) stream.sources = c.sources.map(source);
  return { ok: true, stream };
}

function source(s: StreamSource): JetStreamSource {
  const out: JetStreamSource = { name: s.name };
  if (s.optStartSeq !== undefined) out.opt_start_seq = s.optStartSeq;
  if (s.optStartTime !== undefined) out.opt_start_time = s.optStartTime;
  if (s.filterSubject !== undefined) out.filter_subject = s.filterSubject;
  return out;
}

/**
 * The fields of `desired` that `actual` (the server's config) differs in; empty when the
 * stream is as the channel wants it. Only the fields the channel decides are compared.
 */
export function streamDrift(desired: DesiredStream, actual: Record<string, unknown>): string[] {
  return Object.entries(desired)
    .filter(([key, want]) => !sameValue(want, actual[key]))
    .map(([key]) => key);
}

function sameValue(want: unknown, got: unknown): boolean {
  if (Array.isArray(want) || (typeof want === 'object' && want !== null)) {
    return JSON.stringify(canonical(want)) === JSON.stringify(canonical(got));
  }
  return want === got;
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(
    Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined && x !== '')
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, x]) => [k, canonical(x)]),
  );
}
