/* global performance, process */
// Event sinks that time each delivery end to end: N HTTP servers on loopback answering
// 202, reading the sender's clock from `ce-benchts` (performance.timeOrigin + now, ms),
// plus a control server: GET /stats → {count, p50, p99} since the last POST /reset.
// Prints {ports, control} as one JSON line, then serves until killed.
import { createServer } from 'node:http';

const count = Number(process.argv[2] ?? 4);
let latencies = [];
const ports = [];
const now = () => performance.timeOrigin + performance.now();
for (let i = 0; i < count; i++) {
  const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    req.resume();
    req.on('end', () => {
      const sent = Number(req.headers['ce-benchts']);
      if (Number.isFinite(sent)) latencies.push(now() - sent);
      res.writeHead(202);
      res.end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  ports.push(server.address().port);
}
const control = createServer((req, res) => {
  if (req.method === 'POST') latencies = [];
  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? null;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ count: sorted.length, p50: pct(0.5), p99: pct(0.99) }));
});
await new Promise((resolve) => control.listen(0, '127.0.0.1', resolve));
process.stdout.write(`${JSON.stringify({ ports, control: control.address().port })}\n`);
