import { compileFilter } from './filter.js';

const at = (time: string) => ({
  attributes: { specversion: '1.0', id: '1', source: '/s', type: 't', time },
});
const EVEN = 'Math.round(Date.parse(event.time) / 60000) % 2 === 0';
const ODD = 'Math.round(Date.parse(event.time) / 60000) % 2 !== 0';

describe('compileFilter', () => {
  it.each<[string, string, boolean]>([
    [EVEN, '2025-01-01T10:02:00.000Z', true],
    [EVEN, '2025-01-01T10:03:00.000Z', false],
    [ODD, '2025-01-01T10:03:00.000Z', true],
    // As in the tutorial's image, minutes are rounded: 10:02:45 counts as 10:03.
    [ODD, '2025-01-01T10:02:45.000Z', true],
    ['event.time.getMinutes() % 2 == 0', '2025-01-01T10:02:45.000Z', true],
    // Only `true` passes: a number or a string is not a yes.
    ['1', '2025-01-01T10:02:00.000Z', false],
  ])('%s at %s is %p', (expression, time, want) => {
    expect(compileFilter(expression)(at(time))).toBe(want);
  });

  it('reads the event data', () => {
    const passes = compileFilter('event.data.kind == "a"');
    const data = new TextEncoder().encode('{"kind":"a"}');
    expect(passes({ ...at('2025-01-01T00:00:00Z'), data })).toBe(true);
  });
});
