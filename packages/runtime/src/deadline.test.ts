import { withDeadline } from './deadline.js';

describe('withDeadline', () => {
  it('resolves with the work when it finishes in time', async () => {
    await expect(withDeadline(Promise.resolve(7), 50, 'sum')).resolves.toBe(7);
  });

  it('rejects with the work’s own error when it fails in time', async () => {
    await expect(withDeadline(Promise.reject(new Error('refused')), 50, 'send')).rejects.toThrow(
      'refused',
    );
  });

  it('rejects naming the call once the deadline passes, and drops the late failure', async () => {
    let fail: (err: Error) => void = () => undefined;
    const work = new Promise<never>((_, reject) => (fail = reject));
    await expect(withDeadline(work, 10, 'Kafka send')).rejects.toThrow(
      'Kafka send: no answer within 10 ms',
    );
    // Would be an unhandled rejection (and fail the run) if nothing caught it.
    fail(new Error('too late'));
    await new Promise((r) => setTimeout(r, 5));
  });
});
