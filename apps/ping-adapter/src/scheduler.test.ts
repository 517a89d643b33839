import type { CloudEvent } from '@knative-ts/delivery';
import type { Logger } from '@knative-ts/reconciler';
import { FakeClock } from '@knative-ts/reconciler/testing';
import type { PingSource, PingSourceSpec } from '@knative-ts/types';
import { PingScheduler, type SendOutcome } from './scheduler.js';
import type { TickClaims } from './tick-claims.js';

interface Sent {
  event: CloudEvent;
  sink: string;
}

function recordingLog(): Logger & { lines: Array<[string, string]> } {
  const lines: Array<[string, string]> = [];
  const at = (level: string) => (_fields: object, msg: string) => void lines.push([level, msg]);
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const source = (
  spec: Partial<PingSourceSpec> = {},
  sinkUri: string | null = 'http://sink.ns1.svc.cluster.local',
): PingSource => ({
  apiVersion: 'sources.knative.dev/v1',
  kind: 'PingSource',
  metadata: { namespace: 'ns1', name: 'ping', uid: 'uid-1' },
  spec: { sink: { uri: 'http://x' }, schedule: '*/2 * * * * *', data: '{"n":1}', ...spec },
  ...(sinkUri !== null && { status: { sinkUri } }),
});

function setup(claims: TickClaims = { claim: async () => true, close: async () => {} }) {
  const clock = new FakeClock(Date.parse('2025-01-01T00:00:00.500Z'));
  const sent: Sent[] = [];
  let outcome: () => Promise<SendOutcome> = async () => ({ ok: true, status: 202 });
  let ids = 0;
  const log = recordingLog();
  const scheduler = new PingScheduler({
    claims,
    clock,
    log,
    newId: () => `id-${++ids}`,
    send: (event, sink) => {
      sent.push({ event, sink });
      return outcome();
    },
  });
  const times = () => sent.map((s) => s.event.attributes['time']);
  return { clock, sent, log, scheduler, times, answer: (f: typeof outcome) => (outcome = f) };
}

describe('PingScheduler', () => {
  it('fires on each tick with a fresh id and the scheduled time', async () => {
    const { clock, sent, scheduler, times } = setup();
    scheduler.upsert(source());
    await clock.advance(4_000);
    expect(times()).toEqual(['2025-01-01T00:00:02.000Z', '2025-01-01T00:00:04.000Z']);
    expect(sent.map((s) => s.event.attributes['id'])).toEqual(['id-1', 'id-2']);
    expect(sent[0]?.sink).toBe('http://sink.ns1.svc.cluster.local');
    expect(Buffer.from(sent[0]?.event.data ?? []).toString()).toBe('{"n":1}');
  });

  it('waits for a sink before scheduling', async () => {
    const { clock, sent, scheduler, log } = setup();
    scheduler.upsert(source({}, null));
    await clock.advance(3_000);
    expect(sent).toHaveLength(0);
    expect(log.lines).toContainEqual(['info', 'ping source has no sink yet; not scheduled']);
    scheduler.upsert(source());
    await clock.advance(2_000);
    expect(sent).toHaveLength(1);
  });

  it('applies an edit at once and ignores an unchanged update', async () => {
    const { clock, scheduler, times } = setup();
    scheduler.upsert(source());
    scheduler.upsert(source());
    expect(clock.pending()).toBe(1);
    await clock.advance(2_000);
    scheduler.upsert(source({ schedule: '10 * * * * *', data: '{"n":2}' }));
    expect(clock.pending()).toBe(1);
    await clock.advance(10_000);
    expect(times()).toEqual(['2025-01-01T00:00:02.000Z', '2025-01-01T00:00:10.000Z']);
  });

  it('follows a new sink', async () => {
    const { clock, sent, scheduler } = setup();
    scheduler.upsert(source());
    scheduler.upsert(source({}, 'http://other'));
    await clock.advance(2_000);
    expect(sent.map((s) => s.sink)).toEqual(['http://other']);
  });

  it('stops firing a removed or deleting source', async () => {
    const { clock, sent, scheduler } = setup();
    scheduler.upsert(source());
    scheduler.remove('ns1/ping');
    const deleting = source();
    scheduler.upsert({ ...deleting, metadata: { ...deleting.metadata, deletionTimestamp: 'now' } });
    await clock.advance(10_000);
    expect(sent).toHaveLength(0);
    expect(clock.pending()).toBe(0);
    expect(scheduler.scheduled()).toEqual([]);
  });

  it('logs and skips a source it cannot schedule', async () => {
    const { clock, scheduler, log } = setup();
    scheduler.upsert(source({ timezone: 'Nowhere/Atlantis' }));
    expect(scheduler.scheduled()).toEqual([]);
    expect(clock.pending()).toBe(0);
    expect(log.lines).toContainEqual(['error', 'ping source not scheduled']);
  });

  it.each<[string, TickClaims['claim'], number]>([
    ['claimed elsewhere: not sent', async () => false, 0],
    ['claimed here: sent', async () => true, 1],
    [
      'store failing: sent anyway',
      async () => {
        throw new Error('redis down');
      },
      1,
    ],
  ])('%s', async (_case, claim, want) => {
    const { clock, sent, scheduler } = setup({ claim, close: async () => {} });
    scheduler.upsert(source());
    await clock.advance(2_000);
    expect(sent).toHaveLength(want);
  });

  it('logs an event that could not be delivered', async () => {
    const { clock, scheduler, log, answer } = setup();
    answer(async () => ({ ok: false, error: new Error('503'), failure: { status: 503 } }));
    scheduler.upsert(source());
    await clock.advance(2_000);
    expect(log.lines).toContainEqual(['error', 'ping event lost']);
  });

  it('stops ticking and waits for the sends in progress', async () => {
    const { clock, sent, scheduler, answer } = setup();
    let finish: (o: SendOutcome) => void = () => undefined;
    answer(() => new Promise<SendOutcome>((resolve) => (finish = resolve)));
    scheduler.upsert(source());
    await clock.advance(2_000);
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    await clock.advance(0);
    expect(stopped).toBe(false);
    finish({ ok: true, status: 202 });
    await stopping;
    expect(clock.pending()).toBe(0);
    await clock.advance(10_000);
    expect(sent).toHaveLength(1);
  });
});
