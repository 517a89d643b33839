import type { HeaderMap } from '../binding/binary.js';
import { readReply } from './reply.js';

const enc = new TextEncoder();
const ce = { 'ce-specversion': '1.0', 'ce-id': 'r', 'ce-source': '/r', 'ce-type': 'reply' };
const structured = JSON.stringify({
  specversion: '1.0',
  id: 'r',
  source: '/r',
  type: 'reply',
  data: { a: 1 },
});

describe('readReply (data-plane-spec E.36/E.39)', () => {
  it.each<[string, number, HeaderMap, string, string]>([
    ['200 binary event', 200, ce, 'x', 'reply'],
    ['200 binary event without data', 200, ce, '', 'reply'],
    [
      '200 structured event',
      200,
      { 'content-type': 'application/cloudevents+json' },
      structured,
      'reply',
    ],
    ['202 with an event is not a reply', 202, ce, 'x', 'none'],
    ['201 with an event is not a reply', 201, ce, 'x', 'none'],
    ['200 empty', 200, {}, '', 'none'],
    ['200 non-event body', 200, { 'content-type': 'application/json' }, '{"ok":true}', 'none'],
    ['200 event missing ce-type', 200, { ...ce, 'ce-type': undefined }, 'x', 'malformed'],
    [
      '200 bad structured JSON',
      200,
      { 'content-type': 'application/cloudevents+json' },
      '{',
      'malformed',
    ],
    ['200 batch', 200, { 'content-type': 'application/cloudevents-batch+json' }, '[]', 'malformed'],
  ])('%s → %s', (_name, status, headers, body, kind) => {
    expect(readReply(status, headers, enc.encode(body)).kind).toBe(kind);
  });
});
