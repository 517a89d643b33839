import { parseHttpEvent, type CloudEvent } from '@knative-ts/delivery';
import { fromMessage, messageId, toMessage } from './event-message.js';

const event = (attrs: Record<string, string>, data?: Uint8Array): CloudEvent => ({
  attributes: { specversion: '1.0', id: '1', source: '/s', type: 't', ...attrs },
  ...(data && { data }),
});

describe('event messages', () => {
  it.each<[string, CloudEvent]>([
    [
      'binary data and an extension',
      event(
        { datacontenttype: 'application/octet-stream', myext: 'abc' },
        new Uint8Array([0, 255, 10, 13]),
      ),
    ],
    [
      'non-ASCII attributes',
      event(
        { subject: 'Grüße, 世界 "quoted" %', myext: 'café ☕' },
        new TextEncoder().encode('naïve'),
      ),
    ],
    ['no data at all', event({ time: '2024-01-02T03:04:05.678Z' })],
  ])('round-trips %s exactly', (_case, e) => {
    const m = toMessage(e);
    for (const v of Object.values(m.headers)) expect(v).not.toMatch(/[\r\n]/);
    // NATS hands headers back as lists, keys possibly in another case.
    const headers = Object.entries(m.headers).map(([k, v]): [string, string[]] => [
      k.toUpperCase(),
      [v],
    ]);
    expect(fromMessage(headers, m.payload)).toEqual(
      parseHttpEvent({ headers: m.headers, body: m.payload }),
    );
    expect(fromMessage(headers, m.payload)).toEqual(e);
  });

  it('derives Nats-Msg-Id from source and id only', () => {
    const a = messageId(event({ id: 'x', source: '/a' }));
    expect(messageId(event({ id: 'x', source: '/a', subject: 'other' }))).toBe(a);
    expect(messageId(event({ id: 'x', source: '/b' }))).not.toBe(a);
    // The separator keeps "ab"+"c" and "a"+"bc" apart.
    expect(messageId(event({ source: 'ab', id: 'c' }))).not.toBe(
      messageId(event({ source: 'a', id: 'bc' })),
    );
  });
});
