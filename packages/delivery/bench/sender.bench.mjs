// Sender throughput and latency for 1 KiB events to a local HTTP server, next to a bare
// undici request loop on the same server in the same run. Prints figures; asserts nothing.
// Usage: npm run bench -w @knative-ts/delivery [-- <events> <concurrency>]
import console from 'node:console';
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { Agent, request } from 'undici';
import { compileDelivery, Sender, serializeHttpEvent } from '../dist/index.js';

const EVENTS = Number(process.argv[2] ?? 20000);
const CONCURRENCY = Number(process.argv[3] ?? 32);
const WARMUP = 2000;

const event = {
  attributes: {
    specversion: '1.0',
    id: 'bench-1',
    source: '/bench',
    type: 'dev.knative.bench',
    datacontenttype: 'application/octet-stream',
  },
  data: new Uint8Array(1024).fill(97),
};

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(202);
    res.end();
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/`;

/** Run `count` calls of `once` with CONCURRENCY in flight; per-call latencies in ms. */
async function run(count, once) {
  const latencies = new Float64Array(count);
  let next = 0;
  const start = performance.now();
  async function worker() {
    while (next < count) {
      const i = next++;
      const t0 = performance.now();
      await once();
      latencies[i] = performance.now() - t0;
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - start) / 1000;
  latencies.sort();
  const pct = (p) => latencies[Math.min(count - 1, Math.floor((p / 100) * count))];
  return { rate: count / seconds, p50: pct(50), p99: pct(99) };
}

const agent = new Agent({ connections: 128, keepAliveTimeout: 30_000 });
const { headers, body } = serializeHttpEvent(event, 'binary');
async function bare() {
  const res = await request(url, { dispatcher: agent, method: 'POST', headers, body });
  await res.body.arrayBuffer();
  if (res.statusCode !== 202) throw new Error(`bare: status ${res.statusCode}`);
}

const sender = new Sender();
const config = compileDelivery({
  retry: 3,
  backoffPolicy: 'exponential',
  backoffDelay: 'PT0.2S',
  timeout: 'PT10S',
});
async function viaSender() {
  const result = await sender.send(event, url, { config });
  if (!result.ok) throw result.error;
}

await run(WARMUP, bare);
await run(WARMUP, viaSender);
// Alternate runs so drift (GC, CPU frequency) hits both sides alike.
const bareRuns = [];
const senderRuns = [];
for (let round = 0; round < 2; round++) {
  bareRuns.push(await run(EVENTS, bare));
  senderRuns.push(await run(EVENTS, viaSender));
}
const best = (runs) => runs.reduce((a, b) => (b.rate > a.rate ? b : a));
const b = best(bareRuns);
const s = best(senderRuns);
const fmt = (r) =>
  `${r.rate.toFixed(0).padStart(7)} events/s   p50 ${r.p50.toFixed(3)} ms   p99 ${r.p99.toFixed(3)} ms`;
console.log(`1 KiB events, ${EVENTS} per run, concurrency ${CONCURRENCY}, Node ${process.version}`);
console.log(`bare undici : ${fmt(b)}`);
console.log(`Sender.send : ${fmt(s)}`);
console.log(
  `ratio sender/bare: throughput ${(s.rate / b.rate).toFixed(2)}x, p50 ${(s.p50 / b.p50).toFixed(2)}x, p99 ${(s.p99 / b.p99).toFixed(2)}x`,
);

await sender.close();
await agent.close();
server.close();
