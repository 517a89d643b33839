import type { JetStreamClient, JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { STOP_GRACE_MS, SubscriptionConsumer, type Outcome } from './subscription-consumer.js';

/**
 * A pull like @nats-io/jetstream's: close() queues a stop behind the messages already
 * queued and settles only once the iterator reaches it — nobody iterating, it never settles.
 */
class FakeMessages {
  private readonly queue: Array<JsMsg | 'stop'> = [];
  private wake: (() => void) | undefined;
  private closedResolve: (() => void) | undefined;
  private readonly closedPromise = new Promise<void>((r) => (this.closedResolve = r));

  push(msg: JsMsg): void {
    this.queue.push(msg);
    this.wake?.();
  }

  close(): Promise<void> {
    this.queue.push('stop');
    this.wake?.();
    return this.closedPromise;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<JsMsg> {
    for (;;) {
      const next = this.queue.shift();
      if (next === 'stop') {
        this.closedResolve?.();
        return;
      }
      if (next) yield next;
      else await new Promise<void>((r) => (this.wake = r));
    }
  }
}

function fakeMsg(seq: number) {
  const settled: string[] = [];
  const msg = {
    seq,
    ack: () => settled.push('ack'),
    nak: (delay?: number) => settled.push(delay === undefined ? 'nak' : `nak ${delay}`),
    term: () => settled.push('term'),
    working: () => undefined,
  } as unknown as JsMsg;
  return { msg, settled };
}

const silentLog = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function consumerWith(
  consume: (opts?: unknown) => Promise<FakeMessages>,
  deliver: (msg: JsMsg, signal: AbortSignal) => Promise<Outcome>,
  extra: Partial<ConstructorParameters<typeof SubscriptionConsumer>[2]> = {},
) {
  const js = {
    consumers: { get: async () => ({ consume }) },
  } as unknown as JetStreamClient;
  return new SubscriptionConsumer({} as JetStreamManager, js, {
    stream: 'KN_NS__CH',
    config: { durable_name: 'KN_SUB_1' },
    ackWaitMs: 30_000,
    ordered: false,
    maxInFlight: 4,
    deliver,
    log: silentLog as never,
    ...extra,
  });
}

/** Resolves with how stop() ended: 'stopped', or 'hung' after `ms`. */
async function stopWithin(consumer: SubscriptionConsumer, ms: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<string>((r) => (timer = setTimeout(() => r('hung'), ms)));
  const outcome = await Promise.race([consumer.stop().then(() => 'stopped'), hung]);
  clearTimeout(timer);
  return outcome;
}

describe('SubscriptionConsumer pulls', () => {
  it.each<[string, Partial<ConstructorParameters<typeof SubscriptionConsumer>[2]>, object]>([
    ['up to maxInFlight per pull by default', {}, { max_messages: 4 }],
    [
      'the template’s fetchBatchSize and fetchMaxWait',
      { pull: { batch: 20, expiresMs: 5000 } },
      { max_messages: 20, expires: 5000 },
    ],
    ['one at a time when ordered', { ordered: true, pull: { batch: 20 } }, { max_messages: 1 }],
  ])('%s', async (_case, extra, want) => {
    let asked: unknown;
    const consumer = consumerWith(
      async (opts) => {
        asked = opts;
        return new FakeMessages();
      },
      async () => 'ack',
      extra,
    );
    consumer.start();
    await new Promise((r) => setTimeout(r, 10));
    await consumer.stop();
    expect(asked).toEqual(want);
  });
});

describe('SubscriptionConsumer settles each message by its outcome', () => {
  it.each<[Outcome, string]>([
    ['ack', 'ack'],
    ['term', 'term'],
    ['abandon', 'nak'],
    [{ retryInMs: 400 }, 'nak 400'],
  ])('%j → %s', async (outcome, want) => {
    const messages = new FakeMessages();
    const { msg, settled } = fakeMsg(1);
    const consumer = consumerWith(
      async () => messages,
      async () => outcome,
    );
    consumer.start();
    messages.push(msg);
    await new Promise((r) => setTimeout(r, 10));
    await consumer.stop();
    expect(settled).toEqual([want]);
  });
});

describe('SubscriptionConsumer.stop', () => {
  it('returns when it came while the pull was still being set up', async () => {
    let pullReady: ((m: FakeMessages) => void) | undefined;
    const consumer = consumerWith(
      () => new Promise<FakeMessages>((r) => (pullReady = r)),
      async () => 'ack',
    );
    consumer.start();
    await new Promise((r) => setImmediate(r));
    const stopping = stopWithin(consumer, 1_000);
    pullReady?.(new FakeMessages());
    expect(await stopping).toBe('stopped');
  });

  it('lets a delivery in flight finish and acks it', async () => {
    const messages = new FakeMessages();
    const { msg, settled } = fakeMsg(1);
    let finish: (() => void) | undefined;
    const consumer = consumerWith(
      async () => messages,
      () => new Promise<Outcome>((r) => (finish = () => r('ack'))),
    );
    consumer.start();
    messages.push(msg);
    await new Promise((r) => setTimeout(r, 10));
    const stopping = stopWithin(consumer, STOP_GRACE_MS + 1_000);
    finish?.();
    expect(await stopping).toBe('stopped');
    expect(settled).toEqual(['ack']);
  });

  it('abandons (NAKs) a delivery still running after the grace period', async () => {
    const messages = new FakeMessages();
    const { msg, settled } = fakeMsg(1);
    const consumer = consumerWith(
      async () => messages,
      (_m, signal) =>
        new Promise<Outcome>((r) => signal.addEventListener('abort', () => r('abandon'))),
    );
    consumer.start();
    messages.push(msg);
    await new Promise((r) => setTimeout(r, 10));
    expect(await stopWithin(consumer, STOP_GRACE_MS + 1_000)).toBe('stopped');
    expect(settled).toEqual(['nak']);
  });
});
