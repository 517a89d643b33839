import { isRetryableStatus, isSuccessStatus } from './retryable.js';

describe('retryable outcomes (data-plane-spec C.20/21)', () => {
  it.each<[number | undefined, boolean, boolean]>([
    [undefined, false, true], // no response: transport error or timeout
    [200, true, false],
    [202, true, false],
    [204, true, false],
    [100, false, false],
    [301, false, false],
    [307, false, false],
    [400, false, false],
    [401, false, false],
    [403, false, false],
    [404, false, true],
    [405, false, false],
    [408, false, true],
    [409, false, true],
    [410, false, false],
    [413, false, false],
    [415, false, false],
    [422, false, false],
    [429, false, true],
    [500, false, true],
    [502, false, true],
    [503, false, true],
    [504, false, true],
    [599, false, true],
  ])('%s: success %s, retry %s', (status, success, retry) => {
    if (status !== undefined) expect(isSuccessStatus(status)).toBe(success);
    expect(isRetryableStatus(status)).toBe(retry);
  });
});
