import { isIsoDuration, parseIsoDuration } from './iso-duration.js';

describe('parseIsoDuration', () => {
  it.each([
    ['PT0.2S', 200],
    ['PT1S', 1000],
    ['PT0S', 0],
    ['P0D', 0],
    ['PT1M', 60_000],
    ['PT1H', 3_600_000],
    ['PT168H', 604_800_000],
    ['P1D', 86_400_000],
    ['P1W', 604_800_000],
    ['P1DT2H3M4.5S', 93_784_500],
    ['PT1,5S', 1500],
    ['PT1.5M', 90_000],
    ['P1Y', Math.round(365.2425 * 86_400_000)],
    ['P1M', Math.round((365.2425 * 86_400_000) / 12)],
    ['-PT5S', -5000],
    ['+PT5S', 5000],
    ['PT0.0001S', 0],
  ])('%s = %d ms', (input, ms) => {
    expect(parseIsoDuration(input)).toEqual({ ok: true, ms });
  });

  it.each([
    [''],
    ['P'],
    ['PT'],
    ['P1DT'],
    ['1S'],
    ['3s'],
    ['PT1'],
    ['PT1X'],
    ['P1H'],
    ['PT1D'],
    ['PT1S1M'],
    ['PT1S1S'],
    ['PT1.5M3S'],
    ['PT-1S'],
    ['pt1s'],
    ['P1D T1H'],
  ])('rejects %j', (input) => {
    const r = parseIsoDuration(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(`"${input}"`);
    expect(isIsoDuration(input)).toBe(false);
  });
});
