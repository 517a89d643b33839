/**
 * The heartbeats source of Knative's samples (eventing `cmd/heartbeats`), as a user writes
 * a ContainerSource image: it reads K_SINK (and K_CE_OVERRIDES) that the SinkBinding
 * injects, and every `--period` seconds sends a `dev.knative.eventing.samples.heartbeat`
 * event built and sent with the CloudEvents SDK. `ONE_SHOT=true` sends one and exits (the
 * SinkBinding example's CronJob).
 */
import { CloudEvent, emitterFor, httpTransport, type EmitterFunction } from 'cloudevents';

/** Knative's heartbeat event type. */
export const HEARTBEAT_TYPE = 'dev.knative.eventing.samples.heartbeat';

export interface HeartbeatsConfig {
  sink: string;
  periodMs: number;
  label: string;
  oneShot: boolean;
  source: string;
  extensions: Record<string, string>;
}

/** Reads flags (`--period=<s>`, `--label=<l>`) and env; throws naming what is wrong. */
export function heartbeatsConfig(
  argv: string[],
  env: Record<string, string | undefined>,
): HeartbeatsConfig {
  const flag = (name: string): string | undefined =>
    argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const sink = env['K_SINK'];
  if (!sink) throw new Error('K_SINK is required (a SinkBinding or ContainerSource sets it)');
  const period = Number(flag('period') ?? '5');
  if (!Number.isFinite(period) || period <= 0) throw new Error('--period must be seconds > 0');
  let extensions: Record<string, string> = {};
  const overrides = env['K_CE_OVERRIDES'];
  if (overrides) {
    const parsed = JSON.parse(overrides) as { extensions?: Record<string, unknown> };
    extensions = Object.fromEntries(
      Object.entries(parsed.extensions ?? {}).map(([k, v]) => [k, String(v)]),
    );
  }
  const ns = env['POD_NAMESPACE'] ?? '';
  const pod = env['POD_NAME'] ?? '';
  return {
    sink,
    periodMs: period * 1000,
    label: flag('label') ?? '',
    oneShot: env['ONE_SHOT'] === 'true',
    source: `https://knative.dev/eventing/cmd/heartbeats/#${ns}/${pod}`,
    extensions,
  };
}

/** Heartbeat number `id` (Knative's: data `{"id": n, "label": l}`, extensions the/heart/beats). */
export function heartbeat(config: HeartbeatsConfig, id: number): CloudEvent<object> {
  return new CloudEvent({
    type: HEARTBEAT_TYPE,
    source: config.source,
    datacontenttype: 'application/json',
    data: { id, label: config.label },
    the: 42,
    heart: 'yes',
    beats: true,
    ...config.extensions,
  });
}

/** Sends heartbeats until `signal` aborts (or once, when one-shot). */
export async function runHeartbeats(
  config: HeartbeatsConfig,
  signal: AbortSignal,
  log: (fields: object, msg: string) => void,
  emit: EmitterFunction = emitterFor(httpTransport(config.sink)),
): Promise<void> {
  for (let id = 1; !signal.aborted; id++) {
    const event = heartbeat(config, id);
    try {
      await emit(event);
      log({ id, sink: config.sink }, 'heartbeat sent');
    } catch (err) {
      log({ id, sink: config.sink, err: String(err) }, 'heartbeat failed');
    }
    if (config.oneShot) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, config.periodMs);
      signal.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}
