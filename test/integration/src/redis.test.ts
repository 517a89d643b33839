import { Redis } from 'ioredis';
import { localCluster, uniqueName } from './local-cluster.js';

// A real Redis, the shared store for de-duplication and adapter coordination.

describe('Redis', () => {
  const redis = new Redis(localCluster().redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });

  beforeAll(() => redis.connect());
  afterAll(() => redis.quit());

  it('sets and gets a value, and SET NX refuses a second writer', async () => {
    const key = uniqueName('itest:dedup');
    expect(await redis.set(key, 'first', 'EX', 60, 'NX')).toBe('OK');
    expect(await redis.set(key, 'second', 'EX', 60, 'NX')).toBeNull();
    expect(await redis.get(key)).toBe('first');
    expect(await redis.ttl(key)).toBeGreaterThan(0);
    await redis.del(key);
  });
});
