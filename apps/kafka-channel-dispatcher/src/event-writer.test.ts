import { createLogger } from '@knative-ts/runtime';
import type { Producer } from 'kafkajs';
import { EventWriter, WriteError } from './event-writer.js';
import type { EventRecord } from './kafka-binding.js';

const log = createLogger({ component: 'test', level: 'silent' });
const record = (id: string): EventRecord => ({
  key: null,
  value: Buffer.from(id),
  headers: { ce_id: id },
});

/** A producer whose sendBatch calls wait until released, recording what each carried. */
function fakeProducers(failFirst = false) {
  const batches: string[][] = [];
  const releases: Array<() => void> = [];
  let created = 0;
  const newProducer = () => {
    created++;
    return {
      connect: async () => undefined,
      disconnect: async () => undefined,
      sendBatch: (b: { topicMessages: Array<{ messages: EventRecord[] }> }) => {
        batches.push(
          b.topicMessages.flatMap((t) => t.messages.map((m) => m.headers['ce_id'] ?? '')),
        );
        if (failFirst && batches.length === 1) return Promise.reject(new Error('broker went away'));
        return new Promise<void>((r) => releases.push(r));
      },
    } as unknown as Producer;
  };
  return { newProducer, batches, releases, created: () => created };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

const writerOver = (
  p: ReturnType<typeof fakeProducers>,
  timeoutMs: number,
  maxPendingBytes: number,
) => new EventWriter({ newProducer: p.newProducer, timeoutMs, maxPendingBytes, log });

describe('EventWriter', () => {
  it('gathers writes that arrive while a request is out into the next request', async () => {
    const p = fakeProducers();
    const w = writerOver(p, 5000, 1e6);
    const first = w.write('t', record('1'));
    await tick();
    const rest = [w.write('t', record('2')), w.write('t', record('3'))];
    await tick();
    expect(p.batches).toEqual([['1']]);
    p.releases[0]?.();
    await first;
    await tick();
    expect(p.batches).toEqual([['1'], ['2', '3']]);
    p.releases[1]?.();
    await Promise.all(rest);
    await w.close();
  });

  it('fails the writes of a failed request, and replaces the producer', async () => {
    const p = fakeProducers(true);
    const w = writerOver(p, 5000, 1e6);
    await expect(w.write('t', record('1'))).rejects.toMatchObject({ code: 'Unavailable' });
    const next = w.write('t', record('2'));
    await tick();
    p.releases[0]?.();
    await next;
    expect(p.created()).toBe(2);
    await w.close();
  });

  it('answers Unavailable when Kafka does not acknowledge in time', async () => {
    const p = fakeProducers();
    const w = writerOver(p, 20, 1e6);
    await expect(w.write('t', record('1'))).rejects.toThrow(
      'did not acknowledge the write within 20 ms',
    );
    await w.close();
  });

  it('refuses new writes as Overloaded above the pending byte limit', async () => {
    const p = fakeProducers();
    const w = writerOver(p, 5000, 20);
    const first = w.write('t', record('x'.repeat(15)));
    const err = await w.write('t', record('y'.repeat(15))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WriteError);
    expect((err as WriteError).code).toBe('Overloaded');
    await tick();
    p.releases[0]?.();
    await first;
    await w.close();
  });

  it('moves on from a request Kafka never answers: the next write gets a fresh producer', async () => {
    const p = fakeProducers();
    const w = writerOver(p, 30, 1e6);
    // The first request is never released: a producer stuck in kafkajs's own retries.
    await expect(w.write('t', record('1'))).rejects.toMatchObject({ code: 'Unavailable' });
    const next = w.write('t', record('2'));
    await tick();
    expect(p.batches).toEqual([['1'], ['2']]);
    expect(p.created()).toBe(2);
    p.releases[1]?.();
    await next;
    await w.close();
  });

  it.each([
    ['a topic it wrote to', 'gone', 2],
    ['a topic it never wrote to', 'other', 1],
  ])('replaces the producer after the deletion of %s', async (_case, deleted, producers) => {
    const p = fakeProducers();
    const w = writerOver(p, 5000, 1e6);
    const first = w.write('gone', record('1'));
    await tick();
    p.releases[0]?.();
    await first;
    w.forgetTopic(deleted);
    const second = w.write('kept', record('2'));
    await tick();
    p.releases[1]?.();
    await second;
    expect(p.created()).toBe(producers);
    await w.close();
  });
});
