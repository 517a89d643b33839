import { camelReason, classify } from './kafka-admin.js';

describe('Kafka error reasons', () => {
  it.each([
    ['INVALID_REPLICATION_FACTOR', 'InvalidReplicationFactor'],
    ['TOPIC_AUTHORIZATION_FAILED', 'TopicAuthorizationFailed'],
  ])('%s → %s', (type, reason) => expect(camelReason(type)).toBe(reason));

  it.each([
    [
      {
        name: 'KafkaJSAggregateError',
        message: 'Topic creation errors',
        errors: [{ type: 'INVALID_REPLICATION_FACTOR', message: 'Replication-factor is invalid' }],
      },
      'InvalidReplicationFactor',
      'Replication-factor is invalid',
    ],
    [
      {
        name: 'KafkaJSConnectionError',
        message: 'Connection error: connect ECONNREFUSED 127.0.0.1:9092',
      },
      'KafkaUnreachable',
      'Kafka is unreachable: Connection error: connect ECONNREFUSED 127.0.0.1:9092',
    ],
    [
      { name: 'KafkaJSNumberOfRetriesExceeded', message: 'x' },
      'KafkaUnreachable',
      'Kafka is unreachable: x',
    ],
    [
      {
        name: 'KafkaJSNumberOfRetriesExceeded',
        message: 'This server does not host this topic-partition',
        cause: {
          name: 'KafkaJSProtocolError',
          type: 'UNKNOWN_TOPIC_OR_PARTITION',
          message: 'This server does not host this topic-partition',
        },
      },
      'UnknownTopicOrPartition',
      'This server does not host this topic-partition',
    ],
    [new Error('odd'), 'KafkaRequestFailed', 'odd'],
  ])('classifies %j', (err, reason, message) => {
    const e = classify(err);
    expect([e.reason, e.message]).toEqual([reason, message]);
  });
});
