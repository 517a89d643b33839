import { isUnknownTopicError } from './deleted-topics.js';

const unknown = {
  type: 'UNKNOWN_TOPIC_OR_PARTITION',
  message: 'This server does not host this topic-partition',
};

describe('isUnknownTopicError', () => {
  it.each([
    ['the protocol error itself', unknown, true],
    [
      'kafkajs retries exhausted on it (cause)',
      { name: 'KafkaJSNumberOfRetriesExceeded', cause: unknown },
      true,
    ],
    ['an older wrapper (originalError)', { originalError: unknown }, true],
    ['one of an aggregate', { errors: [{ type: 'LEADER_NOT_AVAILABLE' }, unknown] }, true],
    ['another protocol error', { type: 'LEADER_NOT_AVAILABLE' }, false],
    ['a connection error', new Error('Connection error: ECONNREFUSED'), false],
    ['not an error', 'UNKNOWN_TOPIC_OR_PARTITION', false],
    ['nothing', undefined, false],
  ])('%s → %s', (_case, err, want) => {
    expect(isUnknownTopicError(err)).toBe(want);
  });

  it('stops at a cycle of causes', () => {
    const a: { cause?: unknown } = {};
    a.cause = { cause: a };
    expect(isUnknownTopicError(a)).toBe(false);
  });
});
