import {
  isAlreadyExists,
  isConflict,
  isNotFound,
  jsonEqual,
  type KubeClient,
  type Lease,
} from '@knative-ts/kube';
import { realClock, sleep, type Clock } from './clock.js';
import { silentLogger, type Logger } from './logger.js';

export interface LeaderElectionOptions {
  client: KubeClient;
  namespace: string;
  /** Name of the coordination.k8s.io/v1 Lease. */
  name: string;
  /** Unique per replica, e.g. the pod name. */
  identity: string;
  /** How long a lease is valid without renewal (default 15 s, as client-go). */
  leaseDurationMs?: number;
  /** How long the leader keeps trying to renew before giving up (default 10 s). */
  renewDeadlineMs?: number;
  /** Time between tries to acquire or renew (default 2 s). */
  retryPeriodMs?: number;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
  clock?: Clock;
  logger?: Logger;
  /** Jitter source in [0, 1) for acquire retries (client-go's factor 1.2). */
  random?: () => number;
}

/** Lease times are MicroTime: RFC 3339 with exactly six fractional digits. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

type LeaseSpec = NonNullable<Lease['spec']>;

/**
 * Leader election on a Lease, following client-go: a candidate takes the lease when its
 * holder has not renewed it for leaseDuration (measured on the local clock from when the
 * record was last seen to change, so clock skew between replicas does not matter), the
 * leader renews every retryPeriod and steps down when renewals fail for renewDeadline.
 * After losing, the elector tries to acquire again.
 */
export class LeaderElector {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly abort = new AbortController();
  private observed: { spec: LeaseSpec; at: number } | undefined;
  private lease: Lease | undefined;
  private leading = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: LeaderElectionOptions) {
    this.clock = options.clock ?? realClock;
    this.log = options.logger ?? silentLogger;
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    if (!(
      this.leaseDurationMs > this.renewDeadlineMs && this.renewDeadlineMs > this.retryPeriodMs
    )) {
      throw new RangeError(
        `leader election needs leaseDuration > renewDeadline > retryPeriod, got ${this.leaseDurationMs} ms, ${this.renewDeadlineMs} ms, ${this.retryPeriodMs} ms`,
      );
    }
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** Starts campaigning (idempotent). */
  start(): void {
    this.loop ??= this.run();
  }

  /** Stops campaigning and, if leading, releases the lease so another replica takes over at once. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    if (!this.leading) return;
    this.leading = false;
    await this.release();
    this.options.onStoppedLeading();
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      while (!signal.aborted && !(await this.tryAcquireOrRenew())) {
        const jitter = 1 + (this.options.random ?? Math.random)() * 1.2;
        await sleep(this.clock, this.retryPeriodMs * jitter, signal);
      }
      if (signal.aborted) return;
      this.leading = true;
      this.log.info(
        { lease: this.options.name, identity: this.options.identity },
        'started leading',
      );
      this.options.onStartedLeading();
      await this.renewUntilLost();
      if (signal.aborted) return;
      this.leading = false;
      this.log.warn(
        { lease: this.options.name, identity: this.options.identity },
        'stopped leading',
      );
      this.options.onStoppedLeading();
    }
  }

  /** Renews every retryPeriod; returns when renewals failed for renewDeadline (or on stop). */
  private async renewUntilLost(): Promise<void> {
    let lastRenew = this.clock.now();
    while (!this.abort.signal.aborted) {
      await sleep(this.clock, this.retryPeriodMs, this.abort.signal);
      if (this.abort.signal.aborted) return;
      if (await this.tryAcquireOrRenew()) lastRenew = this.clock.now();
      else if (this.clock.now() - lastRenew >= this.renewDeadlineMs) return;
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { client, namespace, name, identity } = this.options;
    const now = this.clock.now();
    try {
      let current: Lease;
      try {
        current = await client.getLease(namespace, name);
      } catch (err) {
        if (!isNotFound(err)) throw err;
        return await this.create(now);
      }
      const spec = current.spec ?? {};
      if (!this.observed || !jsonEqual(this.observed.spec, spec)) this.observed = { spec, at: now };
      const holder = spec.holderIdentity;
      const validMs = (spec.leaseDurationSeconds ?? 0) * 1000;
      if (holder && holder !== identity && this.observed.at + validMs > now) return false;
      const mine = holder === identity;
      const next: Lease = {
        ...current,
        spec: {
          holderIdentity: identity,
          leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000),
          acquireTime: mine ? spec.acquireTime : microTime(now),
          renewTime: microTime(now),
          leaseTransitions: (spec.leaseTransitions ?? 0) + (mine ? 0 : 1),
        },
      };
      this.remember(await client.updateLease(next), now);
      return true;
    } catch (err) {
      // Losing a race to another candidate is routine; anything else is worth a warning.
      if (isConflict(err) || isAlreadyExists(err)) return false;
      this.log.warn({ err, lease: name, identity }, 'lease acquire or renew failed');
      return false;
    }
  }

  private async create(now: number): Promise<boolean> {
    const { client, namespace, name, identity } = this.options;
    const lease: Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { namespace, name },
      spec: {
        holderIdentity: identity,
        leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000),
        acquireTime: microTime(now),
        renewTime: microTime(now),
        leaseTransitions: 0,
      },
    };
    this.remember(await client.createLease(lease), now);
    return true;
  }

  private remember(lease: Lease, now: number): void {
    this.lease = lease;
    this.observed = { spec: lease.spec ?? {}, at: now };
  }

  /** Empties the holder so others need not wait for the lease to expire (client-go's release). */
  private async release(): Promise<void> {
    if (!this.lease) return;
    const now = microTime(this.clock.now());
    const released: Lease = {
      ...this.lease,
      spec: {
        ...this.lease.spec,
        holderIdentity: '',
        leaseDurationSeconds: 1,
        acquireTime: now,
        renewTime: now,
      },
    };
    try {
      await this.options.client.updateLease(released);
      this.log.info(
        { lease: this.options.name, identity: this.options.identity },
        'released lease',
      );
    } catch (err) {
      this.log.warn({ err, lease: this.options.name }, 'lease release failed');
    }
  }
}
