/** Tick claims from configuration: in Redis when REDIS_URL is set, else this replica owns all. */
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import type { Logger } from '@knative-ts/reconciler';
import { soleReplicaClaims, StoreTickClaims, type TickClaims } from './tick-claims.js';

export interface ClaimsConfig {
  REDIS_URL: string;
  TICK_CLAIM_TTL_MS: number;
}

/** The claims for `config`; the Redis client reconnects on its own and reports errors to `log`. */
export function createTickClaims(config: ClaimsConfig, log: Logger): TickClaims {
  if (config.REDIS_URL === '') return soleReplicaClaims;
  // Commands wait for the connection (ticks right after start are claimed too), but a
  // store that does not answer in time fails the claim, and the tick fires anyway.
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, commandTimeout: 2_000 });
  redis.on('error', (err: unknown) => log.warn({ err }, 'redis connection error'));
  const owner = `${hostname()}/${process.pid}`;
  return new StoreTickClaims(redis, owner, config.TICK_CLAIM_TTL_MS);
}
