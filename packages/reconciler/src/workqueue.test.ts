import { ExponentialFailureRateLimiter } from './rate-limiter.js';
import { FakeClock } from './testing/fake-clock.js';
import { WorkQueue } from './workqueue.js';

describe('ExponentialFailureRateLimiter', () => {
  it.each([
    { failures: 1, want: 5 },
    { failures: 2, want: 10 },
    { failures: 3, want: 20 },
    { failures: 10, want: 2560 },
    { failures: 18, want: 655_360 },
    { failures: 19, want: 1_000_000 },
    { failures: 1100, want: 1_000_000 },
  ])('failure #$failures waits $want ms', ({ failures, want }) => {
    const limiter = new ExponentialFailureRateLimiter();
    let last = 0;
    for (let i = 0; i < failures; i++) last = limiter.when('k');
    expect(last).toBe(want);
    expect(limiter.numRequeues('k')).toBe(failures);
  });

  it('forget resets the backoff of one key only', () => {
    const limiter = new ExponentialFailureRateLimiter();
    limiter.when('a');
    limiter.when('a');
    limiter.when('b');
    limiter.forget('a');
    expect([limiter.when('a'), limiter.when('b')]).toEqual([5, 10]);
  });
});

describe('WorkQueue', () => {
  it('hands out a key added twice once', async () => {
    const q = new WorkQueue();
    q.add('ns/a');
    q.add('ns/b');
    q.add('ns/a');
    expect(q.len()).toBe(2);
    expect([await q.get(), await q.get()]).toEqual(['ns/a', 'ns/b']);
  });

  it('re-queues a key added while it is processed, after done', async () => {
    const q = new WorkQueue();
    q.add('k');
    const key = await q.get();
    q.add('k');
    expect(q.len()).toBe(0);
    q.done(key ?? '');
    expect(q.len()).toBe(1);
  });

  it('adds after a delay and with rate-limited backoff', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    q.addAfter('later', 100);
    q.addRateLimited('failing');
    q.addRateLimited('failing');
    await clock.advance(9);
    expect(q.len()).toBe(1);
    await clock.advance(91);
    expect(q.len()).toBe(2);
    expect(q.numRequeues('failing')).toBe(2);
    q.forget('failing');
    expect(q.numRequeues('failing')).toBe(0);
  });

  it('runs N workers, never one key twice at once, and drains on shutDown', async () => {
    const q = new WorkQueue();
    let active = 0;
    let maxActive = 0;
    const seen: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const running = q.run(
      3,
      async (key) => {
        active++;
        maxActive = Math.max(maxActive, active);
        seen.push(key);
        await gate;
        active--;
      },
      (err) => {
        throw err;
      },
    );
    for (const k of ['a', 'b', 'c', 'd']) q.add(k);
    await new Promise((r) => setImmediate(r));
    q.add('a'); // being processed: must wait for done
    const stopped = q.shutDown();
    release();
    await stopped;
    await running;
    expect(maxActive).toBe(3);
    expect(seen.sort()).toEqual(['a', 'b', 'c']);
    q.add('e');
    expect(q.len()).toBe(0);
  });

  it('passes a throwing handler to onError and keeps working', async () => {
    const q = new WorkQueue();
    const errors: string[] = [];
    const handled: string[] = [];
    const running = q.run(
      1,
      async (key) => {
        if (key === 'bad') throw new Error('boom');
        handled.push(key);
      },
      (err, key) => errors.push(`${key}: ${(err as Error).message}`),
    );
    q.add('bad');
    q.add('good');
    await new Promise((r) => setImmediate(r));
    await q.shutDown();
    await running;
    expect(errors).toEqual(['bad: boom']);
    expect(handled).toEqual(['good']);
  });
});
