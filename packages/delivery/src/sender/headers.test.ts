import { passThroughHeaders } from './headers.js';

describe('passThroughHeaders', () => {
  it('keeps only the allowed headers, lower-cased', () => {
    expect(
      passThroughHeaders({
        'X-Request-Id': 'r1',
        'retry-after': '5',
        traceparent: '00-abc-def-01',
        tracestate: 'k=v',
        'Knative-Foo': 'a',
        'k-eventing-bar': 'b',
        'x-b3-traceid': 'c',
        'x-b3-spanid': ['d', 'e'],
        authorization: 'Bearer secret',
        'x-custom': 'no',
        'ce-id': 'no',
        'content-type': 'no',
        host: 'no',
        prefer: 'reply',
        'kn-namespace': 'no',
      }),
    ).toEqual({
      'x-request-id': 'r1',
      'retry-after': '5',
      traceparent: '00-abc-def-01',
      tracestate: 'k=v',
      'knative-foo': 'a',
      'k-eventing-bar': 'b',
      'x-b3-traceid': 'c',
      'x-b3-spanid': 'd, e',
    });
  });

  it('is empty for no headers', () => {
    expect(passThroughHeaders(undefined)).toEqual({});
  });
});
