/**
 * The streams of JetStream channels, as the reconciler sees them: ensure one is as the
 * channel wants it, delete one. Failures come back as a StreamFailure saying whether
 * JetStream refused the config (its own description and err_code, for the condition) or
 * could not be reached. The connection is made on first use and made again after a failure,
 * so the controller starts, and keeps reconciling everything else, while NATS is down.
 */
import type * as JetStream from '@nats-io/jetstream';
import type { StreamConfig } from '@nats-io/jetstream';
import type { Nats } from '@knative-ts/nats';
import { streamDrift, type DesiredStream } from './resources/make-stream-config.js';

// The JetStream module is loaded with the first connection (see connectNats); by the time
// an operation can fail with one of its errors, it is loaded.
type JetStreamApi = typeof JetStream;
const jetStreamApi = (): Promise<JetStreamApi> => import('@nats-io/jetstream');

export type EnsureResult =
  { action: 'created' | 'unchanged' } | { action: 'updated'; fields: string[] };

/** Why a stream operation failed. */
export class StreamFailure extends Error {
  override readonly name = 'StreamFailure';
  constructor(
    /** `refused`: JetStream answered with an error; `unavailable`: no answer. */
    readonly kind: 'refused' | 'unavailable',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What the reconciler needs from JetStream. */
export interface StreamStore {
  ensure(desired: DesiredStream): Promise<EnsureResult>;
  delete(name: string): Promise<'deleted' | 'absent'>;
}

/** StreamStore on a real JetStream; `connect` is called lazily and again after failures. */
export class JetStreamStreams implements StreamStore {
  private nats: Promise<Nats> | undefined;

  constructor(private readonly connect: () => Promise<Nats>) {}

  async ensure(desired: DesiredStream): Promise<EnsureResult> {
    return this.withManager(async (jsm, api) => {
      let current: Record<string, unknown> | undefined;
      try {
        current = (await jsm.streams.info(desired.name)).config as unknown as Record<
          string,
          unknown
        >;
      } catch (err) {
        if (!isStreamNotFound(api, err)) throw err;
      }
      if (current === undefined) {
        await jsm.streams.add(desired as unknown as StreamConfig);
        return { action: 'created' };
      }
      const fields = streamDrift(desired, current);
      if (fields.length === 0) return { action: 'unchanged' };
      await jsm.streams.update(desired.name, { ...current, ...desired } as Partial<StreamConfig>);
      return { action: 'updated', fields };
    });
  }

  async delete(name: string): Promise<'deleted' | 'absent'> {
    return this.withManager(async (jsm, api) => {
      try {
        await jsm.streams.delete(name);
        return 'deleted';
      } catch (err) {
        if (isStreamNotFound(api, err)) return 'absent';
        throw err;
      }
    });
  }

  async close(): Promise<void> {
    const nats = this.nats;
    this.nats = undefined;
    if (nats) await (await nats.catch(() => undefined))?.close();
  }

  private async withManager<T>(
    op: (jsm: Nats['manager'], api: JetStreamApi) => Promise<T>,
  ): Promise<T> {
    this.nats ??= this.connect();
    let nats: Nats;
    try {
      nats = await this.nats;
    } catch (err) {
      this.nats = undefined;
      throw new StreamFailure('unavailable', `cannot connect to NATS: ${message(err)}`, {
        cause: err,
      });
    }
    const api = await jetStreamApi();
    try {
      return await op(nats.manager, api);
    } catch (err) {
      if (err instanceof api.JetStreamApiError) {
        throw new StreamFailure('refused', `${err.message} (err_code ${err.code})`, { cause: err });
      }
      throw new StreamFailure('unavailable', `JetStream did not answer: ${message(err)}`, {
        cause: err,
      });
    }
  }
}

function isStreamNotFound(api: JetStreamApi, err: unknown): boolean {
  return err instanceof api.JetStreamApiError && err.code === api.JetStreamApiCodes.StreamNotFound;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
