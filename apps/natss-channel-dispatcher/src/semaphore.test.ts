import { Semaphore } from './semaphore.js';

describe('Semaphore', () => {
  it('lets `limit` holders in and the next one when a slot frees', async () => {
    const s = new Semaphore(2);
    await s.acquire();
    await s.acquire();
    let third = false;
    const waiting = s.acquire().then(() => (third = true));
    await Promise.resolve();
    expect(third).toBe(false);
    s.release();
    await waiting;
    expect(third).toBe(true);
    expect(s.inUse).toBe(2);
    s.release();
    s.release();
    expect(s.inUse).toBe(0);
  });
});
