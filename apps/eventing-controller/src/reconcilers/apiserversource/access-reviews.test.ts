import { AccessReviews, type AccessCheck } from './access-reviews.js';

const check = (verb: string, namespace = 'ns'): AccessCheck => ({
  user: 'system:serviceaccount:ns:sa',
  namespace,
  group: '',
  resource: 'configmaps',
  verb,
});

function reviews(answer: (c: AccessCheck) => boolean, opts: { maxInFlight?: number } = {}) {
  let now = 0;
  let running = 0;
  let peak = 0;
  const r = new AccessReviews({
    ...opts,
    now: () => now,
    review: async (c) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((res) => setImmediate(res));
      running--;
      return answer(c);
    },
  });
  return { r, advance: (ms: number) => (now += ms), peak: () => peak };
}

describe('AccessReviews', () => {
  it('asks once per question while the answer is fresh', async () => {
    const { r, advance } = reviews(() => true);
    expect(await r.allowed(check('get'))).toBe(true);
    expect(await r.allowed(check('get'))).toBe(true);
    expect(r.sent).toBe(1);
    advance(10 * 60_000 + 1);
    await r.allowed(check('get'));
    expect(r.sent).toBe(2);
  });

  it('keeps denied answers shortly and forgets them on demand', async () => {
    let grant = false;
    const { r, advance } = reviews(() => grant);
    expect(await r.allowed(check('watch'))).toBe(false);
    grant = true;
    expect(await r.allowed(check('watch'))).toBe(false);
    r.forgetDenied();
    expect(await r.allowed(check('watch'))).toBe(true);
    grant = false;
    advance(31_000);
    // Allowed answers outlive forgetDenied and the short TTL.
    r.forgetDenied();
    expect(await r.allowed(check('watch'))).toBe(true);
    expect(r.sent).toBe(2);
  });

  it('de-duplicates identical questions in flight and bounds concurrency', async () => {
    const { r, peak } = reviews(() => true, { maxInFlight: 2 });
    const same = await Promise.all([1, 2, 3].map(() => r.allowed(check('list'))));
    expect(same).toEqual([true, true, true]);
    expect(r.sent).toBe(1);
    await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((ns) => r.allowed(check('get', ns))));
    expect(r.sent).toBe(7);
    expect(peak()).toBe(2);
  });
});
