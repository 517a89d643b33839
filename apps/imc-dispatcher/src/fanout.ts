/**
 * Fan-out of one event to every subscriber of a channel, each with its own delivery
 * (eventing `fanout_event_handler.go`): subscribers are dispatched in parallel; the fan-out
 * succeeds when every subscriber, or its dead-letter sink, took the event.
 */
import type {
  CloudEvent,
  DispatchResult,
  HeaderMap,
  Sender,
  TriggerPrefilter,
} from '@knative-ts/delivery';
import type { ChannelConfig } from './channel-config.js';

/** A channel as the hot path uses it: compiled config plus the sender that reports its metrics. */
export interface ChannelEntry extends ChannelConfig {
  sender: Pick<Sender, 'dispatch'>;
}

/** One subscriber that did not take the event. */
export interface FanoutFailure {
  uid: string;
  subscriber: string;
  status?: number;
  error: string;
}

export interface FanoutResult {
  ok: boolean;
  failures: FanoutFailure[];
}

export interface FanoutOptions {
  /** The sender's cancellation (a sync sender that hung up): every delivery stops with it. */
  signal?: AbortSignal;
  /** Takes broker-filter's answer for Triggers whose filter rejects the event. */
  prefilter?: Pick<TriggerPrefilter, 'select'>;
}

/** Dispatch `event` to every subscriber of `channel`; never throws. */
export async function fanOut(
  channel: ChannelEntry,
  event: CloudEvent,
  headers: HeaderMap,
  { signal, prefilter }: FanoutOptions = {},
): Promise<FanoutResult> {
  const subs = prefilter
    ? prefilter.select(event, channel.subscribers, (sub) => sub.subscriber)
    : channel.subscribers;
  if (subs.length === 0) return { ok: true, failures: [] };
  const results = await Promise.all(
    subs.map((sub) =>
      channel.sender
        .dispatch(event, {
          subscriber: sub.subscriber,
          ...(sub.reply !== undefined && { reply: sub.reply }),
          ...(sub.deadLetterSink !== undefined && { deadLetterSink: sub.deadLetterSink }),
          config: sub.config,
          headers,
          // Knative sends the channel's namespace as Kn-Namespace (fanout_event_handler.go).
          namespace: channel.namespace,
          ...(signal && { signal }),
        })
        .catch((err: unknown): DispatchResult & { thrown: unknown } => ({
          ok: false,
          deadLettered: false,
          thrown: err,
        })),
    ),
  );
  const failures: FanoutFailure[] = [];
  results.forEach((result, i) => {
    if (result.ok) return;
    const sub = subs[i];
    if (sub === undefined) return;
    const thrown = (result as { thrown?: unknown }).thrown;
    const message =
      result.error?.message ?? (thrown instanceof Error ? thrown.message : String(thrown));
    failures.push({
      uid: sub.uid,
      subscriber: sub.subscriber,
      ...(result.status !== undefined && { status: result.status }),
      error: message,
    });
  });
  return { ok: failures.length === 0, failures };
}
