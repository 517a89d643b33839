import { BindingError, BindingReason } from '../errors.js';
import { isRfc3339, validateAttributes } from './attributes.js';

const valid = {
  specversion: '1.0',
  id: 'A234-1234-1234',
  source: '/mycontext',
  type: 'com.example',
};

describe('isRfc3339', () => {
  it.each([
    ['2018-04-05T17:31:00Z', true],
    ['2018-04-05t17:31:00z', true],
    ['2018-04-05T17:31:00.123456789+02:00', true],
    ['2016-12-31T23:59:60Z', true],
    ['2020-02-29T00:00:00Z', true],
    ['2019-02-29T00:00:00Z', false],
    ['2018-13-05T17:31:00Z', false],
    ['2018-04-05T24:00:00Z', false],
    ['2018-04-05 17:31:00Z', false],
    ['2018-04-05T17:31:00', false],
    ['2018-04-05', false],
    ['yesterday', false],
  ])('%s → %s', (value, want) => {
    expect(isRfc3339(value)).toBe(want);
  });
});

const v03 = { ...valid, specversion: '0.3' };

describe('validateAttributes', () => {
  it('accepts CloudEvents 0.3 with its own attributes (sdk-go EventContextV03)', () => {
    const full = {
      ...v03,
      subject: 'sub',
      time: '2018-04-05T17:31:00Z',
      schemaurl: '/relative/schema',
      datacontentencoding: 'base64',
      datacontenttype: 'application/octet-stream',
      // An extension in 0.3: the 1.0 absolute-URI rule does not apply.
      dataschema: 'not checked',
    };
    expect(() => validateAttributes(full)).not.toThrow();
    expect(() => validateAttributes({ ...v03, datacontentencoding: 'BASE64' })).not.toThrow();
  });

  it('leaves 0.3 attribute names alone in 1.0, where they are extensions', () => {
    expect(() =>
      validateAttributes({ ...valid, schemaurl: 'a b', datacontentencoding: 'gzip' }),
    ).not.toThrow();
  });

  it('accepts a minimal event and long extension names (20 chars is only a SHOULD)', () => {
    expect(() => validateAttributes(valid)).not.toThrow();
    expect(() =>
      validateAttributes({ ...valid, averyveryverylongextensionname1: 'x', myext: '' }),
    ).not.toThrow();
  });

  it('accepts every optional attribute when well-formed', () => {
    const full = {
      ...valid,
      subject: 'sub',
      time: '2018-04-05T17:31:00Z',
      dataschema: 'https://example.com/schema.json',
      datacontenttype: 'application/json; charset=utf-8',
    };
    expect(() => validateAttributes(full)).not.toThrow();
  });

  const { id: _id, ...noId } = valid;
  const { source: _source, ...noSource } = valid;
  const { type: _type, ...noType } = valid;
  const { specversion: _sv, ...noSpecversion } = valid;
  it.each([
    ['missing id', noId, BindingReason.MissingAttribute, 'id'],
    ['missing source', noSource, BindingReason.MissingAttribute, 'source'],
    ['missing type', noType, BindingReason.MissingAttribute, 'type'],
    ['missing specversion', noSpecversion, BindingReason.MissingAttribute, 'specversion'],
    ['empty id', { ...valid, id: '' }, BindingReason.EmptyAttribute, 'id'],
    ['empty type', { ...valid, type: '' }, BindingReason.EmptyAttribute, 'type'],
    ['empty subject', { ...valid, subject: '' }, BindingReason.EmptyAttribute, 'subject'],
    [
      'specversion 2.0',
      { ...valid, specversion: '2.0' },
      BindingReason.UnsupportedSpecVersion,
      'specversion',
    ],
    ['upper-case name', { ...valid, myExt: 'x' }, BindingReason.InvalidAttributeName, 'myExt'],
    ['dash in name', { ...valid, 'my-ext': 'x' }, BindingReason.InvalidAttributeName, 'my-ext'],
    ['reserved name data', { ...valid, data: 'x' }, BindingReason.ReservedAttribute, 'data'],
    [
      'control char in value',
      { ...valid, myext: 'a\u0001' },
      BindingReason.InvalidAttributeValue,
      'myext',
    ],
    ['bad time', { ...valid, time: 'now' }, BindingReason.InvalidAttributeValue, 'time'],
    [
      'relative dataschema',
      { ...valid, dataschema: '/schema' },
      BindingReason.InvalidAttributeValue,
      'dataschema',
    ],
    [
      'source with space',
      { ...valid, source: 'my source' },
      BindingReason.InvalidAttributeValue,
      'source',
    ],
    [
      'source with bad escape',
      { ...valid, source: '/a%zz' },
      BindingReason.InvalidAttributeValue,
      'source',
    ],
    [
      'bad datacontenttype',
      { ...valid, datacontenttype: 'json' },
      BindingReason.InvalidAttributeValue,
      'datacontenttype',
    ],
    [
      '0.3 with a datacontentencoding other than base64',
      { ...v03, datacontentencoding: 'gzip' },
      BindingReason.InvalidAttributeValue,
      'datacontentencoding',
    ],
    [
      '0.3 with an empty schemaurl',
      { ...v03, schemaurl: '' },
      BindingReason.EmptyAttribute,
      'schemaurl',
    ],
    [
      '0.3 with a schemaurl that is no URI-reference',
      { ...v03, schemaurl: 'a b' },
      BindingReason.InvalidAttributeValue,
      'schemaurl',
    ],
    ['0.3 with a bad time', { ...v03, time: 'now' }, BindingReason.InvalidAttributeValue, 'time'],
  ])('rejects %s', (_name, attrs, reason, attribute) => {
    let caught: unknown;
    try {
      validateAttributes(attrs as Record<string, string>);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BindingError);
    expect(caught).toMatchObject({ status: 400, reason, context: { attribute } });
  });
});
