/* global process */
// Event sinks that time each event from its sender: N HTTP servers on loopback answering
// 202; each event's latency is now minus its `ce-benchsent` header (epoch ms, same
// machine). GET /stats on any sink reports every sink's count, last arrival and latency
// percentiles; DELETE /stats resets them. Prints the ports as one JSON line.
import { createServer } from 'node:http';

const count = Number(process.argv[2] ?? 4);
const sinks = [];
const stats = () => {
  const all = sinks.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const pct = (p) => all[Math.min(all.length - 1, Math.floor(p * all.length))] ?? null;
  return {
    counts: sinks.map((s) => s.count),
    lastAt: Math.max(0, ...sinks.map((s) => s.lastAt)),
    p50: pct(0.5),
    p99: pct(0.99),
  };
};
for (let i = 0; i < count; i++) {
  const sink = { count: 0, lastAt: 0, latencies: [] };
  sinks.push(sink);
  const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(stats()));
      }
      if (req.method === 'DELETE') {
        for (const s of sinks) Object.assign(s, { count: 0, lastAt: 0, latencies: [] });
        res.writeHead(204);
        return res.end();
      }
      const sent = Number(req.headers['ce-benchsent']);
      const now = Date.now();
      sink.count++;
      sink.lastAt = now;
      if (Number.isFinite(sent) && sent > 0) sink.latencies.push(now - sent);
      res.writeHead(202);
      res.end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  sinks[i].port = server.address().port;
}
process.stdout.write(`${JSON.stringify({ ports: sinks.map((s) => s.port) })}\n`);
