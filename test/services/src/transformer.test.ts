import { parseTransformer, transform } from './transformer.js';

describe('transformer', () => {
  it.each<[string, unknown]>([
    ['({"message": "this is odd!"})\n', { message: 'this is odd!' }],
    ['{"message": "this is even!"}', { message: 'this is even!' }],
    ['(("x"))', 'x'],
  ])('reads %j', (text, want) => {
    expect(parseTransformer(text)).toEqual(want);
  });

  it('refuses what is not JSON', () => {
    expect(() => parseTransformer('({message: 1})')).toThrow(/TRANSFORMER is not a JSON value/);
  });

  it('replaces the data, keeping the attributes', () => {
    const event = {
      attributes: {
        specversion: '1.0',
        id: '1',
        source: '/s',
        type: 't',
        datacontenttype: 'text/plain',
      },
      data: new TextEncoder().encode('old'),
    };
    const reply = transform(event, { message: 'this is even!' });
    expect(reply.attributes).toEqual({ ...event.attributes, datacontenttype: 'application/json' });
    expect(Buffer.from(reply.data ?? []).toString()).toBe('{"message":"this is even!"}');
  });
});
