/**
 * Keeps one timer per PingSource and fires it on its schedule. A source is (re)scheduled
 * when anything its events depend on changes (schedule, time zone, payload, overrides,
 * sink) and unscheduled when deleted or without a sink, so edits apply without a restart.
 * Each tick is claimed first (replica coordination), then sent with retries.
 */
import { randomUUID } from 'node:crypto';
import type { CloudEvent } from '@knative-ts/delivery';
import {
  keyOf,
  realClock,
  type Clock,
  type Logger,
  type TimerHandle,
} from '@knative-ts/reconciler';
import type { PingSource } from '@knative-ts/types';
import { compileTemplate, tickEvent, type PingTemplate } from './ping-event.js';
import { compileSchedule, DEFAULT_SCHEDULE, type Schedule } from './schedule.js';
import type { TickClaims } from './tick-claims.js';

/** The outcome of sending one tick's event (a Sender's SendResult fits). */
export type SendOutcome =
  { ok: true; status: number } | { ok: false; error: Error; failure: { status?: number } };

export interface PingSchedulerOptions {
  claims: TickClaims;
  /** Delivers one event to the sink, with retries. */
  send(event: CloudEvent, sinkUri: string): Promise<SendOutcome>;
  log: Logger;
  clock?: Clock;
  newId?: () => string;
}

interface Job {
  key: string;
  uid: string;
  sinkUri: string;
  fingerprint: string;
  schedule: Schedule;
  template: PingTemplate;
  timer?: TimerHandle;
}

/** Node timers hold at most 2^31-1 ms; longer waits are taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Ticks missed by more than this (a paused process) are skipped rather than caught up. */
const CATCH_UP_MS = 1_000;

/** Fires every scheduled PingSource. */
export class PingScheduler {
  private readonly jobs = new Map<string, Job>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly clock: Clock;
  private readonly newId: () => string;
  private stopped = false;

  constructor(private readonly options: PingSchedulerOptions) {
    this.clock = options.clock ?? realClock;
    this.newId = options.newId ?? randomUUID;
  }

  /** Keys of the sources currently scheduled. */
  scheduled(): string[] {
    return [...this.jobs.keys()];
  }

  /** Schedules `source`, or reschedules it when what its events depend on changed. */
  upsert(source: PingSource): void {
    if (this.stopped) return;
    const key = keyOf(source);
    const sinkUri = source.status?.sinkUri;
    if (source.metadata.deletionTimestamp) return this.remove(key);
    if (!sinkUri) {
      this.remove(key);
      this.options.log.info({ source: key }, 'ping source has no sink yet; not scheduled');
      return;
    }
    const fingerprint = JSON.stringify([source.metadata.uid, sinkUri, source.spec]);
    if (this.jobs.get(key)?.fingerprint === fingerprint) return;
    this.remove(key);
    let job: Job;
    try {
      job = {
        key,
        uid: source.metadata.uid ?? key,
        sinkUri,
        fingerprint,
        schedule: compileSchedule(source.spec.schedule || DEFAULT_SCHEDULE, source.spec.timezone),
        template: compileTemplate(source),
      };
    } catch (err) {
      this.options.log.error({ err, source: key }, 'ping source not scheduled');
      return;
    }
    this.jobs.set(key, job);
    this.arm(job, this.clock.now());
    this.options.log.info(
      { source: key, schedule: job.schedule.pattern, timezone: job.schedule.timezone, sinkUri },
      'ping source scheduled',
    );
  }

  /** Stops firing the source with `key` (namespace/name). */
  remove(key: string): void {
    const job = this.jobs.get(key);
    if (job === undefined) return;
    this.jobs.delete(key);
    if (job.timer !== undefined) this.clock.clearTimeout(job.timer);
    this.options.log.info({ source: key }, 'ping source unscheduled');
  }

  /** No more ticks; resolves once the ticks being sent are done. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const job of this.jobs.values()) {
      if (job.timer !== undefined) this.clock.clearTimeout(job.timer);
    }
    this.jobs.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  private arm(job: Job, afterMs: number): void {
    const next = job.schedule.next(afterMs);
    if (next === undefined) {
      this.options.log.warn({ source: job.key }, 'ping schedule has no further ticks');
      return;
    }
    const delay = Math.max(0, next - this.clock.now());
    job.timer =
      delay > MAX_TIMER_MS
        ? this.clock.setTimeout(() => this.arm(job, afterMs), MAX_TIMER_MS)
        : this.clock.setTimeout(() => this.fire(job, next), delay);
  }

  private fire(job: Job, scheduledMs: number): void {
    if (this.jobs.get(job.key) !== job) return;
    this.arm(job, Math.max(scheduledMs, this.clock.now() - CATCH_UP_MS));
    const sending = this.deliver(job, scheduledMs);
    this.inFlight.add(sending);
    void sending.finally(() => this.inFlight.delete(sending));
  }

  private async deliver(job: Job, scheduledMs: number): Promise<void> {
    const { log } = this.options;
    const tick = { source: job.key, scheduled: new Date(scheduledMs).toISOString() };
    let mine: boolean;
    try {
      mine = await this.options.claims.claim(job.uid, scheduledMs);
    } catch (err) {
      // A tick fired twice beats a tick lost while the store is down (at-least-once).
      log.error({ err, ...tick }, 'tick claim failed; firing anyway');
      mine = true;
    }
    if (!mine) {
      log.debug(tick, 'tick claimed by another replica');
      return;
    }
    const event = tickEvent(job.template, this.newId(), scheduledMs);
    const id = event.attributes['id'];
    try {
      const result = await this.options.send(event, job.sinkUri);
      if (result.ok) log.debug({ ...tick, id, status: result.status }, 'ping event delivered');
      else {
        const status = result.failure.status;
        log.error({ err: result.error, ...tick, id, sink: job.sinkUri, status }, 'ping event lost');
      }
    } catch (err) {
      log.error({ err, ...tick, id, sink: job.sinkUri }, 'ping event lost');
    }
  }
}
