import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { localCluster, uniqueName } from './local-cluster.js';

// A real NATS server with JetStream, the backend of NatssChannel.

describe('NATS JetStream', () => {
  let nc: NatsConnection;
  const encode = (s: string) => new TextEncoder().encode(s);
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);

  beforeAll(async () => {
    nc = await connect({ servers: localCluster().natsUrl });
  });
  afterAll(async () => {
    await nc.drain();
  });

  it('stores a published message and redelivers it to a durable consumer until acked', async () => {
    const stream = uniqueName('ITEST').replace(/-/g, '_');
    const subject = `${stream}.events`;
    const manager = await jetstreamManager(nc);
    await manager.streams.add({ name: stream, subjects: [subject] });
    try {
      const ack = await jetstream(nc).publish(subject, encode('{"hello":"jetstream"}'));
      expect(ack).toMatchObject({ stream, seq: 1, duplicate: false });

      await manager.consumers.add(stream, {
        durable_name: 'dispatcher',
        ack_policy: AckPolicy.Explicit,
        ack_wait: 1_000_000_000,
      });
      const consumer = await jetstream(nc).consumers.get(stream, 'dispatcher');

      const first = await consumer.next({ expires: 5_000 });
      expect(first && decode(first.data)).toBe('{"hello":"jetstream"}');
      // Not acked: after ack_wait (1 s) the server must hand the same message out again.
      const again = await consumer.next({ expires: 5_000 });
      expect(again?.seq).toBe(1);
      expect(again?.info.deliveryCount).toBe(2);
      await again?.ackAck();

      const info = await manager.consumers.info(stream, 'dispatcher');
      expect(info.num_ack_pending).toBe(0);
    } finally {
      await manager.streams.delete(stream);
    }
  }, 30_000);
});
