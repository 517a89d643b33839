import { BindingError, BindingReason } from '../errors.js';
import { decodeHeaderValue, encodeHeaderValue } from './header-value.js';

describe('encodeHeaderValue', () => {
  it.each([
    ['plain ASCII stays', 'com.example.someevent', 'com.example.someevent'],
    ['binding §3.1.3.2 example', 'Euro € 😀', 'Euro%20%E2%82%AC%20%F0%9F%98%80'],
    ['space, quote and percent', 'a "b" 100%', 'a%20%22b%22%20100%25'],
    ['control characters', 'a\tb', 'a%09b'],
    [
      'printable specials untouched',
      "/path?x=1&y=[2]#f!$'()*+,;=:@~",
      "/path?x=1&y=[2]#f!$'()*+,;=:@~",
    ],
    ['upper-case hex', 'é', '%C3%A9'],
    ['empty', '', ''],
  ])('%s', (_name, input, want) => {
    expect(encodeHeaderValue(input)).toBe(want);
  });
});

describe('decodeHeaderValue', () => {
  it.each([
    ['plain', 'abc', 'abc'],
    ['percent-encoded UTF-8', 'Euro%20%E2%82%AC%20%F0%9F%98%80', 'Euro € 😀'],
    ['lower-case hex accepted', '%c3%a9', 'é'],
    ['unnecessary encoding accepted', '%61%62', 'ab'],
    ['quoted string unescaped first', '"hello world"', 'hello world'],
    ['backslash escapes in quotes', '"a\\"b\\\\c"', 'a"b\\c'],
    ['quoted then percent-decoded', '"a%20b"', 'a b'],
    ['decoded once only', '%2520', '%20'],
  ])('%s', (_name, raw, want) => {
    expect(decodeHeaderValue('ce-x', raw)).toBe(want);
  });

  it.each([
    ['overlong encoding of space', '%C0%A0'],
    ['truncated multi-byte sequence', '%E2%82'],
    ['lone continuation byte', '%80'],
    ['encoded surrogate', '%ED%A0%80'],
    ['bad hex digit', '%G1'],
    ['trailing percent', 'abc%'],
    ['short escape', 'abc%4'],
    ['raw non-ASCII (latin1 from Node)', 'caf\u00e9'],
    ['unterminated quote', '"abc'],
    ['dangling backslash', '"abc\\'],
  ])('rejects %s', (_name, raw) => {
    const err = catchError(() => decodeHeaderValue('ce-x', raw));
    expect(err).toBeInstanceOf(BindingError);
    expect(err).toMatchObject({ status: 400, reason: BindingReason.InvalidHeaderEncoding });
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}
