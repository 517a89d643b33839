import {
  disallowedField,
  formatFieldErrors,
  genericError,
  invalidValue,
  joinPath,
  missingField,
  viaField,
  viaIndex,
} from './field-error.js';

describe('field errors', () => {
  it.each([
    ['spec', 'channel', 'spec.channel'],
    ['spec', '[0]', 'spec[0]'],
    ['', 'x', 'x'],
    ['spec', '', 'spec'],
    ['spec', 'reply, subscriber', 'spec.reply, spec.subscriber'],
  ])('joinPath(%j, %j) = %j', (a, b, want) => {
    expect(joinPath(a, b)).toBe(want);
  });

  it('builds Knative messages and prefixes paths', () => {
    const errs = [
      missingField('name'),
      invalidValue(-1, 'retry', 'must be ≥ 0'),
      disallowedField('timeout'),
      genericError('oops'),
    ];
    expect(viaIndex(viaField(errs, 'ref'), 'steps', 2)).toEqual([
      { path: 'steps[2].ref.name', message: 'missing field(s)' },
      { path: 'steps[2].ref.retry', message: 'invalid value: -1', details: 'must be ≥ 0' },
      { path: 'steps[2].ref.timeout', message: 'must not set the field(s)' },
      { path: 'steps[2].ref', message: 'oops' },
    ]);
    expect(formatFieldErrors([missingField('spec.a', 'why'), genericError('top')])).toBe(
      'missing field(s): spec.a\nwhy\ntop',
    );
  });
});
