import { Kafka, logLevel } from 'kafkajs';
import { localCluster, uniqueName } from './local-cluster.js';

// A real single-node Kafka in KRaft mode, the backend of KafkaChannel.

describe('Kafka (KRaft)', () => {
  const kafka = new Kafka({
    clientId: 'itest',
    brokers: localCluster().kafkaBrokers,
    logLevel: logLevel.NOTHING,
  });

  it('delivers a produced message, with its key and headers, to a consumer group', async () => {
    const topic = uniqueName('itest-topic');
    const admin = kafka.admin();
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: uniqueName('itest-group') });
    try {
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      await producer.connect();
      await producer.send({
        topic,
        messages: [{ key: 'k1', value: '{"hello":"kafka"}', headers: { ce_id: 'evt-1' } }],
      });

      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = await new Promise<{ key: string; value: string; id: string }>(
        (resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`no message on ${topic} within 30 s`)),
            30_000,
          );
          void consumer.run({
            eachMessage: async ({ message }) => {
              clearTimeout(timer);
              resolve({
                key: String(message.key),
                value: String(message.value),
                id: String(message.headers?.['ce_id']),
              });
            },
          });
        },
      );
      expect(received).toEqual({ key: 'k1', value: '{"hello":"kafka"}', id: 'evt-1' });
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch((err: unknown) => {
        console.warn(`could not delete ${topic}: ${String(err)}`);
      });
      await admin.disconnect();
    }
  }, 60_000);
});
