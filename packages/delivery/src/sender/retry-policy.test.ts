import type { DeliverySpec } from '@knative-ts/types';
import { DeliveryError } from '../errors.js';
import { parseHttpDate, parseRetryAfter } from './retry-after.js';
import { backoffMs, compileDelivery, retryDelayMs, type DeliveryConfig } from './retry-policy.js';

describe('compileDelivery', () => {
  it.each<[string, DeliverySpec | undefined, DeliveryConfig]>([
    ['no spec: no retries, binary', undefined, { retry: 0, format: 'binary' }],
    [
      'full spec',
      {
        retry: 3,
        backoffPolicy: 'exponential',
        backoffDelay: 'PT0.2S',
        timeout: 'PT5S',
        retryAfterMax: 'PT30S',
        format: 'json',
      },
      {
        retry: 3,
        backoffPolicy: 'exponential',
        backoffDelayMs: 200,
        timeoutMs: 5000,
        retryAfterMaxMs: 30000,
        format: 'json',
      },
    ],
    [
      'delay without policy: no backoff (retries.go)',
      { retry: 2, backoffDelay: 'PT1S' },
      { retry: 2, format: 'binary' },
    ],
    [
      'policy without delay: no backoff',
      { retry: 2, backoffPolicy: 'linear' },
      { retry: 2, format: 'binary' },
    ],
    ['zero timeout means none', { timeout: 'PT0S' }, { retry: 0, format: 'binary' }],
    [
      'PT0S retryAfterMax kept (ignores the header)',
      { retryAfterMax: 'PT0S' },
      { retry: 0, retryAfterMaxMs: 0, format: 'binary' },
    ],
  ])('%s', (_name, spec, want) => {
    expect(compileDelivery(spec)).toEqual(want);
  });

  it.each<[string, DeliverySpec]>([
    ['bad backoffDelay', { backoffPolicy: 'linear', backoffDelay: '2s' }],
    ['bad timeout', { timeout: 'soon' }],
    ['negative retry', { retry: -1 }],
  ])('rejects %s with a coded error', (_name, spec) => {
    expect(() => compileDelivery(spec)).toThrow(DeliveryError);
    expect(() => compileDelivery(spec)).toThrow(
      expect.objectContaining({ code: 'DELIVERY_ERR_INVALID_DELIVERY_SPEC' }),
    );
  });
});

describe('backoffMs (Go: 0-based attempt index into delay·2^i / delay·i)', () => {
  const exp = compileDelivery({ retry: 5, backoffPolicy: 'exponential', backoffDelay: 'PT0.1S' });
  const lin = compileDelivery({ retry: 5, backoffPolicy: 'linear', backoffDelay: 'PT0.1S' });
  const none = compileDelivery({ retry: 5 });
  it.each([
    [1, 100, 0, 0],
    [2, 200, 100, 0],
    [3, 400, 200, 0],
    [4, 800, 300, 0],
    [5, 1600, 400, 0],
  ])('retry %i: exponential %i, linear %i, unset %i', (n, e, l, u) => {
    expect(backoffMs(exp, n)).toBe(e);
    expect(backoffMs(lin, n)).toBe(l);
    expect(backoffMs(none, n)).toBe(u);
  });
});

describe('retryDelayMs with Retry-After', () => {
  const now = Date.UTC(2024, 0, 1, 0, 0, 0);
  const capped = compileDelivery({
    retry: 3,
    backoffPolicy: 'exponential',
    backoffDelay: 'PT1S',
    retryAfterMax: 'PT10S',
  });
  const ignored = compileDelivery({ retry: 3, backoffPolicy: 'exponential', backoffDelay: 'PT1S' });
  const zero = compileDelivery({
    retry: 3,
    backoffPolicy: 'exponential',
    backoffDelay: 'PT1S',
    retryAfterMax: 'PT0S',
  });
  it.each<[string, DeliveryConfig, number, string | undefined, number]>([
    ['429 seconds, under the cap', capped, 429, '5', 5000],
    ['503 seconds, over the cap', capped, 503, '60', 10000],
    ['429 HTTP date', capped, 429, 'Mon, 01 Jan 2024 00:00:07 GMT', 7000],
    ['shorter than backoff: backoff wins', capped, 429, '0', 1000],
    ['date in the past: backoff wins', capped, 503, 'Sun, 31 Dec 2023 23:00:00 GMT', 1000],
    ['unparsable: backoff', capped, 429, 'soon', 1000],
    ['500 ignores Retry-After', capped, 500, '5', 1000],
    ['no retryAfterMax ignores it', ignored, 429, '5', 1000],
    ['PT0S ignores it', zero, 429, '5', 1000],
  ])('%s', (_name, config, status, retryAfter, want) => {
    expect(retryDelayMs(config, 1, { status, retryAfter }, now)).toBe(want);
  });
});

describe('parseRetryAfter / parseHttpDate', () => {
  const now = Date.UTC(1994, 10, 6, 8, 49, 30);
  it.each<[string | undefined, number | undefined]>([
    ['120', 120000],
    ['+3', 3000],
    ['-1', -1000],
    ['Sun, 06 Nov 1994 08:49:37 GMT', 7000],
    ['Sunday, 06-Nov-94 08:49:37 GMT', 7000],
    ['Sun Nov  6 08:49:37 1994', 7000],
    ['1.5', undefined],
    [' 5', undefined],
    ['Sun, 06 Foo 1994 08:49:37 GMT', undefined],
    [undefined, undefined],
  ])('%j → %j', (value, want) => {
    expect(parseRetryAfter(value, now)).toBe(want);
  });

  it('maps RFC 850 two-digit years like Go', () => {
    expect(parseHttpDate('Monday, 01-Jan-24 00:00:00 GMT')).toBe(Date.UTC(2024, 0, 1));
    expect(parseHttpDate('Friday, 01-Jan-71 00:00:00 GMT')).toBe(Date.UTC(1971, 0, 1));
  });
});
