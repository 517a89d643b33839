/* global Buffer, process */
// The baseline: a minimal Node HTTP relay. POST /<n> reads the body and forwards it, with
// the request's headers, to the first n sinks (undici keep-alive pool, like the
// dispatcher), then answers 202. No parsing, no validation, no retries.
import { createServer } from 'node:http';
import { Agent, request } from 'undici';

const sinks = JSON.parse(process.argv[2] ?? '[]').map((p) => `http://127.0.0.1:${p}/`);
const agent = new Agent({ connections: 128, keepAliveTimeout: 30_000 });

const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const body = Buffer.concat(chunks);
    const n = Number(req.url?.slice(1)) || 1;
    const headers = { ...req.headers };
    delete headers.host;
    delete headers.connection;
    try {
      await Promise.all(
        sinks.slice(0, n).map(async (url) => {
          const r = await request(url, { method: 'POST', headers, body, dispatcher: agent });
          await r.body.dump();
        }),
      );
      res.writeHead(202);
    } catch (err) {
      process.stderr.write(`relay: ${err.message}\n`);
      res.writeHead(500);
    }
    res.end();
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
