import { decodeBrokerFilterError, parseHttpEvent, type HttpResponse } from '@knative-ts/delivery';
import { answerFor, answerForNoResponse } from './subscriber-response.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const SUB = 'http://sub.ns.svc.cluster.local/';
const replyHeaders = {
  'ce-specversion': '1.0',
  'ce-id': 'r1',
  'ce-source': '/sub',
  'ce-type': 'reply.t',
  'content-type': 'text/plain',
};

const response = (
  status: number,
  headers: HttpResponse['headers'] = {},
  body = '',
): HttpResponse => ({ status, headers, body: enc.encode(body) });

describe('answerFor', () => {
  it.each([
    ['202 empty', response(202), 'accepted', 202],
    ['200 empty', response(200), 'accepted', 200],
    ['204 empty', response(204), 'accepted', 204],
    [
      '202 carrying an event (not a reply, spec E.36)',
      response(202, replyHeaders, 'x'),
      'accepted',
      202,
    ],
    [
      '200 with a body that is not an event',
      response(200, { 'content-type': 'text/plain' }, 'OK'),
      'malformed',
      502,
    ],
    [
      '200 with a malformed event',
      response(200, { ...replyHeaders, 'ce-id': '' }, 'x'),
      'malformed',
      502,
    ],
    [
      '200 with invalid structured JSON',
      response(200, { 'content-type': 'application/cloudevents+json' }, '{'),
      'malformed',
      502,
    ],
    ['500', response(500, {}, 'boom'), 'failed', 500],
    ['429', response(429, { 'retry-after': '5' }, ''), 'failed', 429],
    ['404', response(404), 'failed', 404],
    ['302', response(302, { location: 'http://x/' }), 'failed', 302],
  ])('%s → %s %s', (_name, res, kind, status) => {
    const answer = answerFor(res, SUB, 42);
    expect(answer.kind).toBe(kind);
    expect(answer.status).toBe(status);
    if (kind === 'accepted') expect(answer.body.byteLength).toBe(0);
  });

  it('turns a 200 reply into a binary reply event with the TTL restored', () => {
    const answer = answerFor(
      response(200, { ...replyHeaders, 'x-b3-traceid': 't' }, 'pong'),
      SUB,
      42,
    );
    expect(answer.kind).toBe('reply');
    expect(answer.status).toBe(200);
    expect(answer.headers).toMatchObject({
      'ce-id': 'r1',
      'ce-knativebrokerttl': '42',
      'content-type': 'text/plain',
      'x-b3-traceid': 't',
    });
    const event = parseHttpEvent({ headers: answer.headers, body: answer.body });
    expect(event.attributes['knativebrokerttl']).toBe('42');
    expect(dec.decode(event.data)).toBe('pong');
  });

  it('reads a structured reply and answers it in binary mode', () => {
    const body = JSON.stringify({
      specversion: '1.0',
      id: 'r2',
      source: '/s',
      type: 't',
      data: 'x',
    });
    const answer = answerFor(
      response(200, { 'content-type': 'application/cloudevents+json' }, body),
      SUB,
      7,
    );
    expect(answer.kind).toBe('reply');
    expect(answer.headers['ce-id']).toBe('r2');
    expect(answer.headers['ce-knativebrokerttl']).toBe('7');
  });

  it('answers a failure with the JSON error body naming the subscriber', () => {
    const answer = answerFor(
      response(503, { 'retry-after': '3', 'x-other': 'drop' }, 'boom'),
      SUB,
      1,
    );
    expect(answer.headers).toEqual({ 'retry-after': '3', 'content-type': 'application/json' });
    expect(JSON.parse(dec.decode(answer.body))).toEqual({
      errdestination: SUB,
      errresponsebody: 'Ym9vbQ==',
    });
  });

  it('keeps the subscriber body of a malformed reply in the error body', () => {
    const answer = answerFor(response(200, { 'content-type': 'text/plain' }, 'OK'), SUB, 1);
    expect(decodeBrokerFilterError(answer.body)).toEqual({
      destination: SUB,
      body: enc.encode('OK'),
    });
    expect(answer.reason).toContain('neither empty nor a CloudEvent');
  });
});

describe('answerForNoResponse', () => {
  it('is a 500 whose error body describes the transport failure', () => {
    const answer = answerForNoResponse(SUB, 'connect ECONNREFUSED');
    expect(answer.status).toBe(500);
    const inner = decodeBrokerFilterError(answer.body);
    expect(inner?.destination).toBe(SUB);
    expect(dec.decode(inner?.body)).toBe('dispatch error: connect ECONNREFUSED');
  });
});
