/* global Buffer, performance, setTimeout */
// The load generator: 1 KiB binary CloudEvents POSTed through one undici keep-alive pool.
//
// Closed loop (default): `concurrency` workers send back to back for `durationMs` after a
// warm-up; latency per request. Open loop (`rate` events/s): each event has an intended
// send time on a fixed schedule, and its latency is measured from that time, not from when
// the request actually left: a stalled target cannot slow the schedule down and hide its
// own stall (no coordinated omission). Requests beyond `maxInFlight` are counted as missed.
//
// `cpuOf` ({ name: pid }) adds each process's CPU milliseconds per accepted event;
// `paths` spreads the requests round-robin over several targets (e.g. many channels);
// `extraHeaders()` adds headers per request (e.g. a send timestamp).
import { Pool } from 'undici';
import { cpuMs } from './process-stats.mjs';

export async function load({
  origin,
  path,
  paths = [path],
  concurrency = 32,
  rate,
  maxInFlight = 1024,
  durationMs,
  warmupMs,
  bodyBytes = 1024,
  // JSON data of the same size (an order with a date-time, a URI and padding), for paths
  // that read the data, such as EventType schema inference.
  json = false,
  extraHeaders = () => ({}),
  cpuOf = {},
}) {
  const pool = new Pool(origin, {
    connections: rate ? maxInFlight : concurrency,
    keepAliveTimeout: 30_000,
  });
  const body = json ? jsonBody(bodyBytes) : Buffer.alloc(bodyBytes, 'x');
  let seq = 0;
  const headers = () => ({
    'content-type': json ? 'application/json' : 'application/octet-stream',
    'ce-specversion': '1.0',
    'ce-id': `bench-${seq++}`,
    'ce-source': '/bench',
    'ce-type': 'dev.knative-ts.bench',
    ...extraHeaders(),
  });
  const latencies = [];
  let errors = 0;
  let accepted = 0;
  let missed = 0;
  let sent = 0;
  const cpuBefore = Object.fromEntries(Object.entries(cpuOf).map(([n, pid]) => [n, cpuMs(pid)]));
  const start = performance.now();
  const measureFrom = start + warmupMs;
  const end = measureFrom + durationMs;
  /** One request; `intended` is when it should have left (its latency's zero). */
  const send = async (intended) => {
    const res = await pool.request({
      method: 'POST',
      path: paths[sent++ % paths.length],
      headers: headers(),
      body,
    });
    await res.body.dump();
    const done = performance.now();
    if (res.statusCode !== 202) {
      errors++;
      return;
    }
    accepted++;
    if (intended >= measureFrom) latencies.push(done - intended);
  };
  if (rate) {
    const gapMs = 1000 / rate;
    const inFlight = new Set();
    let next = start;
    while (next < end) {
      const now = performance.now();
      for (; next <= now && next < end; next += gapMs) {
        if (inFlight.size >= maxInFlight) {
          if (next >= measureFrom) missed++;
          continue;
        }
        const p = send(next).catch(() => errors++);
        inFlight.add(p);
        p.finally(() => inFlight.delete(p));
      }
      await new Promise((r) => setTimeout(r, Math.max(0, Math.min(1, next - now))));
    }
    await Promise.all(inFlight);
  } else {
    const worker = async () => {
      while (performance.now() < end) await send(performance.now());
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }
  const elapsedMs = performance.now() - start;
  await pool.close();
  latencies.sort((a, b) => a - b);
  const pct = (p) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  const result = {
    eventsPerSec: latencies.length / (durationMs / 1000),
    p50: pct(0.5),
    p99: pct(0.99),
    p999: pct(0.999),
    errors,
    missed,
    /** Every request answered 202, warm-up included. */
    accepted,
  };
  for (const [name, pid] of Object.entries(cpuOf)) {
    // Over the whole run, warm-up included, per event accepted in it.
    result[`cpuMsPerEvent.${name}`] = (cpuMs(pid) - cpuBefore[name]) / Math.max(1, accepted);
  }
  result.elapsedMs = elapsedMs;
  return result;
}

function jsonBody(bytes) {
  const order = {
    orderId: 42,
    total: 99.5,
    placedAt: '2026-12-01T09:00:00Z',
    link: 'https://shop.example/orders/42',
    customer: { name: 'Ada', vip: true },
    pad: '',
  };
  const size = Buffer.byteLength(JSON.stringify(order));
  order.pad = 'x'.repeat(Math.max(0, bytes - size));
  return Buffer.from(JSON.stringify(order));
}
