import { matchesLabels } from './label-selector.js';

describe('matchesLabels', () => {
  it.each<{
    selector: string | undefined;
    labels: Record<string, string> | undefined;
    want: boolean;
  }>([
    { selector: undefined, labels: undefined, want: true },
    { selector: 'app=a', labels: { app: 'a' }, want: true },
    { selector: 'app==a', labels: { app: 'b' }, want: false },
    { selector: 'app!=a', labels: { app: 'b' }, want: true },
    { selector: 'app!=a', labels: {}, want: true },
    { selector: 'app', labels: { app: '' }, want: true },
    { selector: '!app', labels: { app: 'x' }, want: false },
    { selector: 'app=a, tier=web', labels: { app: 'a', tier: 'web' }, want: true },
    { selector: 'app=a,tier=web', labels: { app: 'a' }, want: false },
  ])('$selector on $labels → $want', ({ selector, labels, want }) => {
    expect(matchesLabels(selector, labels)).toBe(want);
  });

  it('rejects set-based selectors it does not support', () => {
    expect(() => matchesLabels('app in (a,b)', {})).toThrow(/unsupported/);
  });
});
