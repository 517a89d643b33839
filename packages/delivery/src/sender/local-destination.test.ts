import { DeliveryError, DeliveryErrorCode } from '../errors.js';
import type { CloudEvent } from '../event.js';
import { callLocal, type LocalCall, type LocalDestination } from './local-destination.js';
import type { DeliveryOutcome } from './outcome.js';
import { Sender } from './sender.js';
import type { HttpRequest, HttpResponse, HttpTransport } from './transport.js';

const enc = new TextEncoder();
const event: CloudEvent = {
  attributes: { specversion: '1.0', id: 'e1', source: '/src', type: 't' },
  data: enc.encode('hello'),
};
const LOCAL = 'http://broker-filter.knative-eventing.svc.cluster.local/triggers/ns/t/uid';
const REMOTE = 'http://sink.ns.svc.cluster.local/';
const ok = (status: number): HttpResponse => ({ status, headers: {}, body: new Uint8Array() });

/** A local destination that answers `statuses` in turn and records its calls. */
function scripted(...statuses: number[]): LocalDestination & { calls: LocalCall[] } {
  const calls: LocalCall[] = [];
  const fn = async (call: LocalCall): Promise<HttpResponse> => {
    calls.push(call);
    return ok(statuses[Math.min(calls.length, statuses.length) - 1] ?? 202);
  };
  return Object.assign(fn, { calls });
}

/**
 * A destination whose subscriber never answers: it keeps the contract, answering 500 (as
 * broker-filter does for no response) once its deadline passes or its caller gives up.
 * Node's timers count from the event loop's cached clock, so on a busy machine a timer can
 * fire a few ms before `Date.now()` reaches the deadline; the answer waits until it has.
 */
const hanging: LocalDestination = ({ signal, deadline }) =>
  new Promise((resolve) => {
    const answer = (): void => resolve(ok(500));
    const answerAtDeadline = (due: number): void => {
      const left = due - Date.now();
      if (left <= 0) answer();
      else setTimeout(() => answerAtDeadline(due), left);
    };
    if (deadline !== undefined) answerAtDeadline(deadline);
    signal?.addEventListener('abort', answer);
  });

class RecordingTransport implements HttpTransport {
  readonly requests: HttpRequest[] = [];
  async post(req: HttpRequest): Promise<HttpResponse> {
    this.requests.push(req);
    return ok(202);
  }
  async close(): Promise<void> {}
}

describe('callLocal', () => {
  it('returns what the local destination answers, and gives it the deadline and signal', async () => {
    const local = scripted(202);
    const caller = new AbortController();
    const call = { url: LOCAL, event, headers: { a: 'b' }, timeoutMs: 1000, signal: caller.signal };
    const res = await callLocal(local, call, () => 5_000);
    expect(res.status).toBe(202);
    expect(local.calls[0]).toEqual({
      event,
      headers: { a: 'b' },
      signal: caller.signal,
      deadline: 6_000,
    });
  });

  it('gives no deadline to an attempt without a timeout', async () => {
    const local = scripted(202);
    await callLocal(local, { url: LOCAL, event, headers: {} });
    expect(local.calls[0]).toEqual({ event, headers: {} });
  });

  it('counts an answer that comes after the deadline as a timeout', async () => {
    let clock = 1_000;
    const late: LocalDestination = async () => {
      clock += 50;
      return ok(202);
    };
    const err = await callLocal(
      late,
      { url: LOCAL, event, headers: {}, timeoutMs: 50 },
      () => clock,
    )
      .then(() => undefined)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: DeliveryErrorCode.Timeout });
  });

  it.each([
    ['the attempt timeout passes', { timeoutMs: 20 }, DeliveryErrorCode.Timeout],
    ['the caller gives up', { abortAfterMs: 20 }, DeliveryErrorCode.Aborted],
  ])(
    'ends the local call and fails like an HTTP attempt when %s',
    async (_case, how: { timeoutMs?: number; abortAfterMs?: number }, code) => {
      const caller = new AbortController();
      if (how.abortAfterMs !== undefined) setTimeout(() => caller.abort(), how.abortAfterMs);
      const err = await callLocal(hanging, {
        url: LOCAL,
        event,
        headers: {},
        signal: caller.signal,
        ...(how.timeoutMs !== undefined && { timeoutMs: how.timeoutMs }),
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DeliveryError);
      expect((err as DeliveryError).code).toBe(code);
    },
  );

  it('does not call the destination for a caller that already gave up', async () => {
    const local = scripted(202);
    const caller = new AbortController();
    caller.abort();
    await expect(
      callLocal(local, { url: LOCAL, event, headers: {}, signal: caller.signal }),
    ).rejects.toMatchObject({ code: DeliveryErrorCode.Aborted });
    expect(local.calls).toHaveLength(0);
  });
});

describe('Sender with local destinations', () => {
  const build = (local: LocalDestination) => {
    const transport = new RecordingTransport();
    const outcomes: DeliveryOutcome[] = [];
    const sender = new Sender({
      transport,
      observer: (o) => outcomes.push(o),
      sleep: async () => {},
      localDestinations: (url) => (url === LOCAL ? local : undefined),
    });
    return { sender, transport, outcomes };
  };

  it('serves a local URL in-process with the event unserialized, and others over HTTP', async () => {
    const local = scripted(202);
    const { sender, transport } = build(local);
    const config = { retry: 0, format: 'binary' as const };
    await sender.send(event, LOCAL, { config, headers: { 'kn-namespace': 'ns' } });
    await sender.send(event, REMOTE, { config });
    expect(local.calls).toHaveLength(1);
    expect(local.calls[0]?.event).toBe(event);
    // The request headers without the event's own ce-* headers.
    expect(local.calls[0]?.headers).toEqual({ 'kn-namespace': 'ns', prefer: 'reply' });
    expect(transport.requests.map((r) => r.url)).toEqual([REMOTE]);
  });

  it('retries a local answer as it would an HTTP one, and reports every attempt', async () => {
    const local = scripted(503, 503, 202);
    const { sender, outcomes } = build(local);
    const sent = await sender.send(event, LOCAL, {
      config: { retry: 3, format: 'binary', backoffDelayMs: 1, backoffPolicy: 'linear' },
    });
    expect(sent.ok).toBe(true);
    expect(local.calls).toHaveLength(3);
    expect(outcomes.map((o) => o.status)).toEqual([503, 503, 202]);
  });

  it('ends a hung local attempt at the per-attempt timeout', async () => {
    const { sender } = build(hanging);
    const sent = await sender.send(event, LOCAL, {
      config: { retry: 0, format: 'binary', timeoutMs: 20 },
    });
    expect(sent.ok).toBe(false);
    expect(!sent.ok && sent.error.code).toBe(DeliveryErrorCode.Timeout);
  });
});
