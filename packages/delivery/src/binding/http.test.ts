import { BindingError, BindingReason } from '../errors.js';
import { withAttributes, type CloudEvent } from '../event.js';
import type { HeaderMap } from './binary.js';
import { carriesEvent, parseHttpEvent, serializeHttpEvent, type EventFormat } from './http.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const bin = { 'ce-specversion': '1.0', 'ce-id': '1', 'ce-source': '/src', 'ce-type': 't' };
const attrs = { specversion: '1.0', id: '1', source: '/src', type: 't' };

function structured(
  doc: unknown,
  contentType = 'application/cloudevents+json',
): {
  headers: HeaderMap;
  body: Uint8Array;
} {
  const body = typeof doc === 'string' ? doc : JSON.stringify(doc);
  return { headers: { 'content-type': contentType }, body: enc.encode(body) };
}

function parseError(headers: HeaderMap, body = ''): BindingError {
  try {
    parseHttpEvent({ headers, body: enc.encode(body) });
  } catch (err) {
    if (err instanceof BindingError) return err;
    throw err;
  }
  throw new Error('expected a BindingError');
}

describe('parseHttpEvent: binary mode', () => {
  it('reads ce- headers, Content-Type and the body', () => {
    const event = parseHttpEvent({
      headers: {
        ...bin,
        'ce-myext': 'caf%C3%A9%20ol%C3%A9',
        'ce-time': '2018-04-05T17:31:00Z',
        'content-type': 'text/plain',
        'x-other': 'ignored',
      },
      body: enc.encode('hello'),
    });
    expect(event.attributes).toEqual({
      ...attrs,
      myext: 'café olé',
      time: '2018-04-05T17:31:00Z',
      datacontenttype: 'text/plain',
    });
    expect(dec.decode(event.data)).toBe('hello');
  });

  it('has no data for an empty body and never invents id or time', () => {
    const event = parseHttpEvent({ headers: bin, body: new Uint8Array() });
    expect(event).toEqual({ attributes: attrs });
  });

  it('treats an unknown structured format with ce- headers as binary (§3)', () => {
    const event = parseHttpEvent({
      headers: { ...bin, 'content-type': 'application/cloudevents+avro' },
      body: enc.encode('x'),
    });
    expect(event.attributes['datacontenttype']).toBe('application/cloudevents+avro');
  });
});

describe('parseHttpEvent: structured mode', () => {
  it('keeps JSON data as the exact JSON text (big integers, spacing)', () => {
    const body =
      '{"specversion":"1.0","id":"1","source":"/src","type":"t","data": {"n": 12345678901234567890, "f": 1.0}}';
    const event = parseHttpEvent(structured(body));
    expect(dec.decode(event.data)).toBe('{"n": 12345678901234567890, "f": 1.0}');
    expect(event.attributes).toEqual(attrs);
  });

  it('decodes data_base64', () => {
    const event = parseHttpEvent(structured({ ...attrs, data_base64: 'AAEC/w==' }));
    expect([...(event.data ?? [])]).toEqual([0, 1, 2, 255]);
  });

  it('takes a string under a non-JSON datacontenttype as the data itself', () => {
    const event = parseHttpEvent(
      structured({ ...attrs, datacontenttype: 'text/plain', data: 'hi "x"' }),
    );
    expect(dec.decode(event.data)).toBe('hi "x"');
  });

  it('stringifies boolean and integer extensions, drops null ones', () => {
    const event = parseHttpEvent(
      structured(
        { ...attrs, flag: true, count: 42, gone: null },
        'application/cloudevents+json; charset=utf-8',
      ),
    );
    expect(event.attributes).toEqual({ ...attrs, flag: 'true', count: '42' });
    expect(event.data).toBeUndefined();
  });
});

describe('parseHttpEvent: every rejection', () => {
  const { 'ce-id': _id, ...noId } = bin;
  it.each<[string, HeaderMap, string, string, number]>([
    [
      'no CloudEvent markers',
      { 'content-type': 'application/json' },
      '{}',
      BindingReason.NotCloudEvent,
      400,
    ],
    [
      'batched mode',
      { 'content-type': 'application/cloudevents-batch+json' },
      '[]',
      BindingReason.BatchUnsupported,
      400,
    ],
    [
      'unknown format without ce- headers',
      { 'content-type': 'application/cloudevents+avro' },
      'x',
      BindingReason.UnsupportedFormat,
      415,
    ],
    ['missing ce-id', { ...noId }, '', BindingReason.MissingAttribute, 400],
    [
      'unknown specversion',
      { ...bin, 'ce-specversion': '0.2' },
      '',
      BindingReason.UnsupportedSpecVersion,
      400,
    ],
    ['empty ce-source', { ...bin, 'ce-source': '' }, '', BindingReason.EmptyAttribute, 400],
    [
      'ce-datacontenttype header',
      { ...bin, 'ce-datacontenttype': 'text/plain' },
      '',
      BindingReason.DataContentTypeHeader,
      400,
    ],
    [
      'repeated ce- header',
      { ...bin, 'ce-myext': ['a', 'b'] },
      '',
      BindingReason.DuplicateAttribute,
      400,
    ],
    [
      'invalid percent-encoding',
      { ...bin, 'ce-myext': '%C0%A0' },
      '',
      BindingReason.InvalidHeaderEncoding,
      400,
    ],
    ['invalid name', { ...bin, 'ce-my_ext': 'x' }, '', BindingReason.InvalidAttributeName, 400],
    ['invalid time', { ...bin, 'ce-time': 'noon' }, '', BindingReason.InvalidAttributeValue, 400],
    [
      'invalid JSON',
      { 'content-type': 'application/cloudevents+json' },
      '{"id":',
      BindingReason.InvalidJson,
      400,
    ],
    [
      'JSON array',
      { 'content-type': 'application/cloudevents+json' },
      '[1]',
      BindingReason.InvalidJson,
      400,
    ],
    [
      'data and data_base64',
      { 'content-type': 'application/cloudevents+json' },
      JSON.stringify({ ...attrs, data: 1, data_base64: 'AA==' }),
      BindingReason.ConflictingData,
      400,
    ],
    [
      'bad data_base64',
      { 'content-type': 'application/cloudevents+json' },
      JSON.stringify({ ...attrs, data_base64: 'A$==' }),
      BindingReason.InvalidBase64,
      400,
    ],
    [
      'object attribute',
      { 'content-type': 'application/cloudevents+json' },
      JSON.stringify({ ...attrs, ext: { a: 1 } }),
      BindingReason.InvalidAttributeType,
      400,
    ],
    [
      'numeric specversion',
      { 'content-type': 'application/cloudevents+json' },
      '{"specversion":1.0,"id":"1","source":"/s","type":"t"}',
      BindingReason.InvalidAttributeType,
      400,
    ],
    [
      'structured missing type',
      { 'content-type': 'application/cloudevents+json' },
      JSON.stringify({ specversion: '1.0', id: '1', source: '/s' }),
      BindingReason.MissingAttribute,
      400,
    ],
  ])('%s', (_name, headers, body, reason, status) => {
    const err = parseError(headers, body);
    expect(err).toMatchObject({ reason, status, code: 'DELIVERY_ERR_MALFORMED_EVENT' });
  });
});

describe('serializeHttpEvent', () => {
  const event: CloudEvent = {
    attributes: { ...attrs, datacontenttype: 'application/json', myext: 'Euro € 😀' },
    data: enc.encode('{"a":1}'),
  };

  it('binary: percent-encoded ce- headers, Content-Type from datacontenttype', () => {
    const { headers, body } = serializeHttpEvent(event, 'binary');
    expect(headers).toEqual({
      ...bin,
      'content-type': 'application/json',
      'ce-myext': 'Euro%20%E2%82%AC%20%F0%9F%98%80',
    });
    expect(dec.decode(body)).toBe('{"a":1}');
  });

  it('structured: JSON data inline, binary data as data_base64', () => {
    const json = serializeHttpEvent(event, 'json');
    expect(json.headers['content-type']).toMatch(/^application\/cloudevents\+json/);
    expect(JSON.parse(dec.decode(json.body))).toMatchObject({ data: { a: 1 }, myext: 'Euro € 😀' });
    const raw = serializeHttpEvent({ attributes: attrs, data: new Uint8Array([0xff]) }, 'json');
    expect(JSON.parse(dec.decode(raw.body))).toMatchObject({ data_base64: '/w==' });
  });

  it.each<EventFormat>(['binary', 'json'])(
    '%s: encodes an event once and shares the payload, its headers frozen',
    (format) => {
      const once = { attributes: { ...attrs }, data: enc.encode('x') };
      const first = serializeHttpEvent(once, format);
      expect(serializeHttpEvent(once, format)).toBe(first);
      expect(Object.isFrozen(first.headers)).toBe(true);
      // Another event, or the other mode, has a payload of its own.
      expect(serializeHttpEvent({ ...once }, format)).not.toBe(first);
      expect(serializeHttpEvent(once, format === 'binary' ? 'json' : 'binary')).not.toBe(first);
    },
  );
});

describe('carriesEvent', () => {
  it.each<[HeaderMap, boolean]>([
    [{ 'ce-specversion': '1.0' }, true],
    [{ 'content-type': 'application/cloudevents+json' }, true],
    [{ 'content-type': 'application/cloudevents-batch+json' }, true],
    [{ 'content-type': 'application/json' }, false],
    [{}, false],
  ])('%j → %s', (headers, want) => {
    expect(carriesEvent(headers)).toBe(want);
  });
});

describe('round trip: parse(serialize(e)) == e', () => {
  // A small seeded PRNG keeps the property test deterministic.
  let seed = 42;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)] as T;
  const texts = [
    'plain',
    'with space',
    'quote " and %25',
    'Euro € 😀',
    'ümlaut',
    '中文',
    'tab-free /x?y=1#z',
  ];

  function randomEvent(): CloudEvent {
    const attributes: Record<string, string> = {
      specversion: '1.0',
      id: pick(texts),
      source: pick(['/src', 'https://example.com/a?b=c', 'urn:event:1']),
      type: pick(texts),
    };
    if (rand(2)) attributes['subject'] = pick(texts);
    if (rand(2)) attributes['time'] = '2024-02-29T12:00:00.5+01:00';
    if (rand(2)) attributes['dataschema'] = 'https://example.com/s.json';
    for (let i = rand(4); i > 0; i--)
      attributes[`ext${rand(1000)}`] = pick([...texts, '', '123', 'true']);
    const kind = rand(5);
    if (kind === 0) return { attributes };
    if (kind === 1)
      return {
        attributes: { ...attributes, datacontenttype: 'application/json' },
        data: enc.encode('{"k": [1, 2.50, "é"]}'),
      };
    if (kind === 2)
      return {
        attributes: { ...attributes, datacontenttype: 'text/plain; charset=utf-8' },
        data: enc.encode(pick(texts)),
      };
    if (kind === 3) return { attributes, data: enc.encode('"just a JSON string"') };
    const bytes = new Uint8Array(1 + rand(64)).map(() => rand(256));
    return {
      attributes: { ...attributes, datacontenttype: 'application/octet-stream' },
      data: bytes,
    };
  }

  it.each<EventFormat>(['binary', 'json'])('%s mode, 200 random events', (format) => {
    for (let i = 0; i < 200; i++) {
      const event = randomEvent();
      const { headers, body } = serializeHttpEvent(event, format);
      expect(parseHttpEvent({ headers, body })).toEqual(event);
    }
  });
});

describe('structured mode: JSON types of attributes (JSON format §2.2)', () => {
  it.each([
    ['id as a number', { ...attrs, id: 5 }, 'id must be a JSON string', 'number'],
    ['id as a boolean', { ...attrs, id: true }, 'id must be a JSON string', 'boolean'],
    ['id as an object', { ...attrs, id: { a: 1 } }, 'id must be a JSON string', 'object'],
    ['source as a number', { ...attrs, source: 1 }, 'source must be a JSON string', 'number'],
    ['type as an array', { ...attrs, type: ['t'] }, 'type must be a JSON string', 'array'],
    ['time as a number', { ...attrs, time: 0 }, 'time must be a JSON string', 'number'],
    ['subject as a boolean', { ...attrs, subject: false }, 'subject must be', 'boolean'],
    ['datacontenttype as a number', { ...attrs, datacontenttype: 1 }, 'datacontenttype', 'number'],
    ['an object extension', { ...attrs, ext: { a: 1 } }, 'string, boolean or integer', 'object'],
    ['an array extension', { ...attrs, ext: [1] }, 'string, boolean or integer', 'array'],
    [
      '0.3 schemaurl as a number',
      { ...attrs, specversion: '0.3', schemaurl: 1 },
      'schemaurl',
      'number',
    ],
  ])('refuses %s', (_name, doc, message, type) => {
    const err = parseError({ 'content-type': 'application/cloudevents+json' }, JSON.stringify(doc));
    expect(err).toMatchObject({ status: 400, reason: BindingReason.InvalidAttributeType });
    expect(err.message).toContain(message);
    expect(err.context).toMatchObject({ type });
  });

  it.each(['5.0', '5e0', '1.5', '2147483648', '-2147483649'])(
    'refuses the extension number %s: an Integer has only the int part, 32 bits',
    (number) => {
      const body = `{"specversion":"1.0","id":"1","source":"/s","type":"t","n":${number}}`;
      const err = parseError({ 'content-type': 'application/cloudevents+json' }, body);
      expect(err.reason).toBe(BindingReason.InvalidAttributeType);
    },
  );

  it('accepts integer extensions in range, including negatives and zero', () => {
    const body =
      '{"specversion":"1.0","id":"1","source":"/s","type":"t","a":-2147483648,"b":0,"c":7}';
    const event = parseHttpEvent(structured(body));
    expect(event.attributes).toMatchObject({ a: '-2147483648', b: '0', c: '7' });
  });

  it('treats null as absent, also for context attributes', () => {
    expect(parseHttpEvent(structured({ ...attrs, subject: null })).attributes).toEqual(attrs);
  });
});

describe('CloudEvents 0.3 (data-plane-spec A.3, A.5): read and forwarded as 0.3', () => {
  const v03 = { ...attrs, specversion: '0.3' };

  it('reads binary 0.3 with schemaurl and writes it back as 0.3', () => {
    const headers = {
      ...bin,
      'ce-specversion': '0.3',
      'ce-schemaurl': 'https://example.com/schema',
      'content-type': 'text/plain',
    };
    const event = parseHttpEvent({ headers, body: enc.encode('hi') });
    expect(event.attributes).toMatchObject({
      specversion: '0.3',
      schemaurl: 'https://example.com/schema',
    });
    expect(serializeHttpEvent(event).headers).toEqual(headers);
  });

  it('decodes structured 0.3 data under datacontentencoding base64, as sdk-go does', () => {
    const doc = {
      ...v03,
      datacontentencoding: 'base64',
      datacontenttype: 'application/octet-stream',
      data: 'AAEC/w==',
    };
    const event = parseHttpEvent(structured(doc));
    expect([...(event.data ?? [])]).toEqual([0, 1, 2, 255]);
    expect(event.attributes['datacontentencoding']).toBe('base64');
    // Binary egress as sdk-go's binary writer: every 0.3 attribute a header, the bytes the body.
    const binary = serializeHttpEvent(event, 'binary');
    expect(binary.headers).toMatchObject({
      'ce-specversion': '0.3',
      'ce-datacontentencoding': 'base64',
    });
    expect([...binary.body]).toEqual([0, 1, 2, 255]);
    // Structured egress: 0.3 has no data_base64; `data` is the base64 string again.
    const json = JSON.parse(dec.decode(serializeHttpEvent(event, 'json').body)) as Record<
      string,
      unknown
    >;
    expect(json).toEqual(doc);
  });

  it('keeps structured 0.3 JSON data verbatim and refuses data_base64, a 1.0-only member', () => {
    const body = '{"specversion":"0.3","id":"1","source":"/src","type":"t","data": {"n": 1.0}}';
    const event = parseHttpEvent(structured(body));
    expect(dec.decode(event.data)).toBe('{"n": 1.0}');
    expect(dec.decode(serializeHttpEvent(event, 'json').body)).toContain('"data":{"n": 1.0}');
    const err = parseError(
      { 'content-type': 'application/cloudevents+json' },
      JSON.stringify({ ...v03, data_base64: 'AA==' }),
    );
    expect(err.reason).toBe(BindingReason.InvalidAttributeName);
  });

  it('refuses a structured datacontentencoding other than exactly base64', () => {
    const err = parseError(
      { 'content-type': 'application/cloudevents+json' },
      JSON.stringify({ ...v03, datacontentencoding: 'BASE64', data: 'AA==' }),
    );
    expect(err.reason).toBe(BindingReason.InvalidAttributeValue);
  });

  it('writes non-UTF-8 0.3 data without an encoding as base64, naming the encoding', () => {
    const event: CloudEvent = { attributes: v03, data: new Uint8Array([0xff, 0xfe]) };
    const json = JSON.parse(dec.decode(serializeHttpEvent(event, 'json').body)) as Record<
      string,
      unknown
    >;
    expect(json).toMatchObject({ datacontentencoding: 'base64', data: '//4=' });
  });
});

describe('repeated headers', () => {
  it.each<[string, HeaderMap, string]>([
    ['ce-id twice', { ...bin, 'ce-id': ['a', 'a'] }, BindingReason.DuplicateAttribute],
    [
      'ce-specversion twice',
      { ...bin, 'ce-specversion': ['1.0', '1.0'] },
      BindingReason.DuplicateAttribute,
    ],
    [
      'Content-Type twice',
      { ...bin, 'content-type': ['text/plain', 'text/html'] },
      BindingReason.DuplicateHeader,
    ],
    [
      'Content-Type twice in structured mode',
      { 'content-type': ['application/cloudevents+json', 'application/cloudevents+json'] },
      BindingReason.DuplicateHeader,
    ],
  ])('refuses %s with 400', (_name, headers, reason) => {
    const err = parseError(headers, '{}');
    expect(err).toMatchObject({ status: 400, reason });
    expect(err.message).toContain('repeated');
  });

  it('reads a header given once as a one-element array', () => {
    const event = parseHttpEvent({ headers: { ...bin, 'ce-id': ['a'] }, body: new Uint8Array() });
    expect(event.attributes['id']).toBe('a');
  });
});

describe('binary mode: Go-style raw header values are forwarded byte for byte', () => {
  const latin1 = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');
  const raw = {
    ...bin,
    'ce-json': '{"a": 5}',
    'ce-pct': '100%',
    'ce-utf': latin1('é'),
    'ce-escaped': '%61%62',
    'ce-plain': 'x',
  };

  it('decodes them for filters and writes the same header strings back', () => {
    const event = parseHttpEvent({ headers: raw, body: new Uint8Array() });
    expect(event.attributes).toMatchObject({
      json: '{"a": 5}',
      pct: '100%',
      utf: 'é',
      escaped: 'ab',
    });
    expect(serializeHttpEvent(event).headers).toEqual(raw);
    // The bytes undici writes for a latin1 header string are the bytes that came in.
    const sent = serializeHttpEvent(event).headers['ce-utf'] ?? '';
    expect([...Buffer.from(sent, 'latin1')]).toEqual([0xc3, 0xa9]);
  });

  it('re-encodes an attribute that changed, and writes percent-encoding for structured input', () => {
    const event = parseHttpEvent({ headers: raw, body: new Uint8Array() });
    const changed = withAttributes(event, { pct: '50%' });
    expect(serializeHttpEvent(changed).headers).toMatchObject({
      'ce-pct': '50%25',
      'ce-json': '{"a": 5}',
    });
    const fromJson = parseHttpEvent(structured({ ...attrs, json: '{"a": 5}' }));
    expect(serializeHttpEvent(fromJson).headers['ce-json']).toBe('{%22a%22:%205}');
  });
});
