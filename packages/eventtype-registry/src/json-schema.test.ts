import { inferSchema, mergeSchemas, parseSchema, serializeSchema } from './json-schema.js';

describe('inferSchema', () => {
  it.each([
    [null, { type: 'null' }],
    [true, { type: 'boolean' }],
    [3, { type: 'integer' }],
    [3.5, { type: 'number' }],
    ['hi', { type: 'string' }],
    ['2026-12-01T09:00:00Z', { type: 'string', format: 'date-time' }],
    ['2026-12-01T09:00:00.123+01:00', { type: 'string', format: 'date-time' }],
    ['2026-12-01', { type: 'string' }],
    ['https://example.com/a?b=c', { type: 'string', format: 'uri' }],
    ['urn:isbn:0451450523', { type: 'string', format: 'uri' }],
    ['/relative/path', { type: 'string' }],
    ['note: hello', { type: 'string' }],
    [[], { type: 'array' }],
    [[1, 2.5], { type: 'array', items: { type: 'number' } }],
    [
      { b: 1, a: 'x' },
      {
        type: 'object',
        properties: { b: { type: 'integer' }, a: { type: 'string' } },
        required: ['a', 'b'],
      },
    ],
  ])('%j → %j', (value, want) => {
    expect(inferSchema(value)).toEqual(want);
  });

  it('leaves values past the depth limit unconstrained', () => {
    expect(inferSchema({ a: { b: 1 } }, { maxDepth: 1, maxProperties: 10 })).toEqual({
      type: 'object',
      properties: { a: {} },
      required: ['a'],
    });
  });

  it('keeps at most maxProperties properties', () => {
    const s = inferSchema({ a: 1, b: 2, c: 3 }, { maxDepth: 5, maxProperties: 2 });
    expect(Object.keys(s.properties ?? {})).toEqual(['a', 'b']);
  });
});

describe('mergeSchemas', () => {
  const obj = (v: unknown) => inferSchema(v);
  it.each([
    ['integer and number widen to number', 1, 1.5, { type: 'number' }],
    ['different types unite', 'a', null, { type: ['null', 'string'] }],
    ['formats that differ are dropped', '2026-12-01T09:00:00Z', 'https://x', { type: 'string' }],
    ['a format and a plain string drop it', 'https://x', 'plain', { type: 'string' }],
    ['equal formats stay', 'https://x', 'https://y', { type: 'string', format: 'uri' }],
    [
      'required keeps only keys in both',
      { a: 1, b: 'x' },
      { a: 2, c: true },
      {
        type: 'object',
        properties: { a: { type: 'integer' }, b: { type: 'string' }, c: { type: 'boolean' } },
        required: ['a'],
      },
    ],
    [
      'an object beside null keeps its required keys',
      { a: 1 },
      null,
      { type: ['null', 'object'], properties: { a: { type: 'integer' } }, required: ['a'] },
    ],
    ['array items merge', [1], ['x'], { type: 'array', items: { type: ['integer', 'string'] } }],
    [
      'an empty array takes the other items',
      [],
      [1],
      { type: 'array', items: { type: 'integer' } },
    ],
  ])('%s', (_name, x, y, want) => {
    expect(mergeSchemas(obj(x), obj(y))).toEqual(want);
    expect(mergeSchemas(obj(y), obj(x))).toEqual(want);
  });

  it('{} absorbs everything', () => {
    expect(mergeSchemas({}, { type: 'string' })).toEqual({});
  });
});

describe('stored schemas', () => {
  it('round-trip with $schema draft-07', () => {
    const s = inferSchema({ a: 1 });
    const text = serializeSchema(s);
    expect(JSON.parse(text)).toMatchObject({ $schema: 'http://json-schema.org/draft-07/schema#' });
    expect(parseSchema(text)).toEqual(s);
  });

  it.each([[undefined], [''], ['not json'], ['[1]'], ['"x"']])(
    'parseSchema(%j) is undefined',
    (t) => {
      expect(parseSchema(t)).toBeUndefined();
    },
  );
});
