import type { DeliverySpec } from './delivery.js';
import { validateDelivery } from './delivery-validation.js';
import type { ValidationFeatures } from './features.js';

describe('validateDelivery', () => {
  it.each<[string, DeliverySpec, Partial<ValidationFeatures>, string[]]>([
    ['empty', {}, {}, []],
    [
      'full valid spec',
      {
        retry: 3,
        backoffPolicy: 'exponential',
        backoffDelay: 'PT0.2S',
        timeout: 'PT10S',
        format: 'json',
        deadLetterSink: { uri: 'http://dls.example' },
      },
      {},
      [],
    ],
    ['retry 0', { retry: 0 }, {}, []],
    ['negative retry', { retry: -1 }, {}, ['retry']],
    ['fractional retry', { retry: 1.5 }, {}, ['retry']],
    ['bad backoffPolicy', { backoffPolicy: 'random' as never }, {}, ['backoffPolicy']],
    ['bad backoffDelay', { backoffDelay: '3s' }, {}, ['backoffDelay']],
    ['zero timeout', { timeout: 'PT0S' }, {}, ['timeout']],
    ['bad timeout', { timeout: 'ten' }, {}, ['timeout']],
    ['timeout with flag off', { timeout: 'PT1S' }, { deliveryTimeout: false }, ['timeout']],
    ['retryAfterMax with flag off', { retryAfterMax: 'PT1S' }, {}, ['retryAfterMax']],
    ['retryAfterMax with flag on', { retryAfterMax: 'PT0S' }, { deliveryRetryAfter: true }, []],
    [
      'negative retryAfterMax',
      { retryAfterMax: '-PT1S' },
      { deliveryRetryAfter: true },
      ['retryAfterMax'],
    ],
    ['bad format', { format: 'xml' as never }, {}, ['format']],
    [
      'invalid dead-letter sink',
      { deadLetterSink: {} },
      {},
      ['deadLetterSink.ref, deadLetterSink.uri'],
    ],
  ])('%s', (_n, spec, features, paths) => {
    expect(validateDelivery(spec, { features }).map((e) => e.path)).toEqual(paths);
  });

  it('reports disallowed fields with Knative message', () => {
    expect(validateDelivery({ retryAfterMax: 'PT1S' })).toEqual([
      { path: 'retryAfterMax', message: 'must not set the field(s)' },
    ]);
  });
});
