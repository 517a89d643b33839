import type { CloudEvent } from '@knative-ts/delivery';
import { appendMessage } from './appender.js';

const enc = (s: string) => new TextEncoder().encode(s);
const attrs = { specversion: '1.0', id: '1', source: '/s', type: 't' };
const json = (e: CloudEvent) => JSON.parse(Buffer.from(e.data ?? []).toString()) as unknown;

describe('appendMessage', () => {
  it.each<[string, CloudEvent, unknown]>([
    [
      'appends to message, keeps other fields',
      {
        attributes: { ...attrs, datacontenttype: 'application/json' },
        data: enc('{"message":"hello, world!","n":1}'),
      },
      { message: 'hello, world! - Handled by 0', n: 1 },
    ],
    [
      'starts a message when there is none',
      { attributes: attrs, data: enc('{"n":1}') },
      { n: 1, message: ' - Handled by 0' },
    ],
    [
      'replaces data that is not a JSON object',
      { attributes: attrs, data: enc('plain') },
      { message: ' - Handled by 0' },
    ],
    ['handles an event without data', { attributes: attrs }, { message: ' - Handled by 0' }],
  ])('%s', (_case, event, want) => {
    const reply = appendMessage(event, ' - Handled by 0');
    expect(json(reply)).toEqual(want);
    expect(reply.attributes).toEqual({ ...attrs, datacontenttype: 'application/json' });
  });

  it('chains like a Sequence of three appenders', () => {
    let event: CloudEvent = { attributes: attrs, data: enc('{"message": "hello, world!"}') };
    for (const i of [0, 1, 2]) event = appendMessage(event, ` - Handled by ${i}`);
    expect(json(event)).toEqual({
      message: 'hello, world! - Handled by 0 - Handled by 1 - Handled by 2',
    });
  });
});
