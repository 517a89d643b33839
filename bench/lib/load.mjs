/* global Buffer, performance */
// Closed-loop load: `concurrency` workers POST 1 KiB binary CloudEvents back to back for
// `durationMs` after a warm-up, through one undici keep-alive pool; latency per request.
// `extraHeaders()` adds headers per request (e.g. a send timestamp for end-to-end latency).
import { Pool } from 'undici';

export async function load({
  origin,
  path,
  concurrency,
  durationMs,
  warmupMs,
  bodyBytes = 1024,
  // JSON data of the same size (an order with a date-time, a URI and padding), for paths
  // that read the data, such as EventType schema inference.
  json = false,
  extraHeaders = () => ({}),
}) {
  const pool = new Pool(origin, { connections: concurrency, keepAliveTimeout: 30_000 });
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
  const start = performance.now();
  const measureFrom = start + warmupMs;
  const end = measureFrom + durationMs;
  const worker = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const res = await pool.request({ method: 'POST', path, headers: headers(), body });
      await res.body.dump();
      const t1 = performance.now();
      if (res.statusCode !== 202) errors++;
      else accepted++;
      if (res.statusCode !== 202) continue;
      if (t0 >= measureFrom) latencies.push(t1 - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await pool.close();
  latencies.sort((a, b) => a - b);
  const pct = (p) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return {
    accepted: latencies.length,
    eventsPerSec: latencies.length / (durationMs / 1000),
    p50: pct(0.5),
    p99: pct(0.99),
    errors,
    /** Every request answered 202, warm-up included. */
    accepted,
  };
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
