import { Admission } from './admission.js';

describe('Admission', () => {
  const limits = { maxEvents: 2, maxBytes: 100, retryAfterSeconds: 1 };

  it.each([
    ['count', [10, 10, 10], [true, true, false]],
    ['bytes', [60, 60], [true, false]],
    ['an oversized first event still fits an empty budget', [500], [true]],
  ])('bounds events in flight by %s', (_name, sizes, admitted) => {
    const admission = new Admission(limits);
    expect(sizes.map((n) => admission.tryAdmit(n) !== undefined)).toEqual(admitted);
  });

  it('gives the place back on release, once', () => {
    const admission = new Admission(limits);
    const a = admission.tryAdmit(50)!;
    admission.tryAdmit(50);
    expect(admission.tryAdmit(1)).toBeUndefined();
    a.release();
    a.release();
    expect(admission.usage).toEqual({ events: 1, bytes: 50, refused: 1 });
    expect(admission.tryAdmit(50)).toBeDefined();
    expect(admission.tryAdmit(1)).toBeUndefined();
  });
});
