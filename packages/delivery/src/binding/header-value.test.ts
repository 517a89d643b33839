import { BindingError, BindingReason } from '../errors.js';
import { decodeHeader, decodeHeaderValue, encodeHeaderValue } from './header-value.js';

/** What Node hands over for raw header bytes: one latin1 character per byte. */
const asNodeSees = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

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
    ['quoted string with spaces, older spec', '"a b%21"', 'a b!'],
  ])('%s', (_name, raw, want) => {
    expect(decodeHeaderValue('ce-x', raw)).toBe(want);
  });

  // sdk-go neither encodes nor decodes: Knative's Go senders write values as they are.
  it.each([
    ['JSON written raw', '{"a": 5}', '{"a": 5}'],
    ['a lone percent', '100%', '100%'],
    ['a bad hex digit', '%G1', '%G1'],
    ['a trailing percent', 'abc%', 'abc%'],
    ['a short escape', 'abc%4', 'abc%4'],
    ['a raw space beside a valid escape', 'a b%20c', 'a b%20c'],
    ['an unterminated quote', '"abc', '"abc'],
    ['a dangling backslash', '"abc\\', '"abc\\'],
    ['raw UTF-8 bytes', asNodeSees('é'), 'é'],
    ['raw UTF-8 with JSON', asNodeSees('{"name": "Zoë 😀"}'), '{"name": "Zoë 😀"}'],
  ])('keeps %s as the value, and the header to forward', (_name, raw, want) => {
    expect(decodeHeader('ce-x', raw)).toEqual({ value: want, keepRaw: true });
  });

  it.each([
    ['plain', 'abc', false],
    ['canonical encoding', 'Euro%20%E2%82%AC%20%F0%9F%98%80', false],
    ['lower-case hex', '%c3%a9', true],
    ['unnecessary encoding', '%61', true],
    ['quoted string', '"hello world"', true],
  ])('%s: keepRaw %s', (_name, raw, keepRaw) => {
    expect(decodeHeader('ce-x', raw).keepRaw).toBe(keepRaw);
  });

  it.each([
    ['overlong encoding of space', '%C0%A0'],
    ['truncated multi-byte sequence', '%E2%82'],
    ['lone continuation byte', '%80'],
    ['encoded surrogate', '%ED%A0%80'],
    ['raw bytes that are not UTF-8 (latin1 é)', 'caf\u00e9'],
    ['a character that is no byte', 'caf\u20ac'],
    ['overlong escape inside a quoted string', '"%C0%A0"'],
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
