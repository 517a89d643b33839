/* global process */
// Event sinks for the benchmark: N HTTP servers on loopback answering 202 with no body.
// Prints their ports as one JSON line, then serves until killed.
import { createServer } from 'node:http';

const count = Number(process.argv[2] ?? 10);
const ports = [];
for (let i = 0; i < count; i++) {
  const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(202);
      res.end();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  ports.push(server.address().port);
}
process.stdout.write(`${JSON.stringify({ ports })}\n`);
