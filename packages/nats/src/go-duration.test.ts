import { nanos, parseGoDuration } from './go-duration.js';

describe('parseGoDuration', () => {
  it.each<[string, number]>([
    ['0', 0],
    ['30s', 30_000],
    ['2m', 120_000],
    ['24h', 86_400_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['250us', 0.25],
    ['-1s', -1000],
  ])('%s is %d ms', (text, ms) => {
    expect(parseGoDuration(text)).toBeCloseTo(ms);
  });

  it.each(['', '30', 's', '1d', 'PT30S', '1h 30m', '-'])('refuses %j', (text) => {
    expect(() => parseGoDuration(text)).toThrow(/not a Go duration/);
  });

  it('converts to nanoseconds', () => {
    expect(nanos(parseGoDuration('2m'))).toBe(120_000_000_000);
  });
});
