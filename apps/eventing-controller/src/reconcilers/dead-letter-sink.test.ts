import { clearDeadLetterSink, deadLetterSinkOf, setDeadLetterSink } from './dead-letter-sink.js';

describe('dead-letter sink status fields', () => {
  it.each([
    ['nothing resolved', {}, undefined],
    ['a uri', { deadLetterSinkUri: 'http://dls' }, { uri: 'http://dls' }],
    [
      'uri, CA certs and audience',
      {
        deadLetterSinkUri: 'https://dls',
        deadLetterSinkCACerts: 'PEM',
        deadLetterSinkAudience: 'aud',
      },
      { uri: 'https://dls', CACerts: 'PEM', audience: 'aud' },
    ],
  ])('reads %s from another status', (_case, from, expected) => {
    expect(deadLetterSinkOf(from)).toEqual(expected);
  });

  it('sets only the fields the sink has, and clears all of them', () => {
    const status = { deadLetterSinkCACerts: 'old', deadLetterSinkAudience: 'old' };
    clearDeadLetterSink(status);
    setDeadLetterSink(status, { uri: 'http://dls', CACerts: undefined, audience: 'aud' });
    expect(status).toEqual({ deadLetterSinkUri: 'http://dls', deadLetterSinkAudience: 'aud' });
    clearDeadLetterSink(status);
    expect(status).toEqual({});
  });
});
