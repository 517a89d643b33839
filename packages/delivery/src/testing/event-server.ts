/**
 * A real HTTP server on 127.0.0.1 for tests of anything that sends events: it records
 * every request and answers from a script (status, headers, body, delay).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Uint8Array;
  /** Date.now() when the request was complete. */
  at: number;
}

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Wait this long before answering (to provoke timeouts). */
  delayMs?: number;
}

/** Answers request number `index` (0-based). */
export type Script = (req: RecordedRequest, index: number) => ScriptedResponse;

export interface EventServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Start a recording server on 127.0.0.1:0. */
export async function startEventServer(
  script: Script = () => ({ status: 202 }),
): Promise<EventServer> {
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: new Uint8Array(Buffer.concat(chunks)),
        at: Date.now(),
      };
      const answer = script(recorded, requests.length);
      requests.push(recorded);
      const send = (): void => {
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      };
      if (!answer.delayMs) return send();
      const t = setTimeout(() => {
        timers.delete(t);
        if (!res.destroyed) send();
      }, answer.delayMs);
      timers.add(t);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    requests,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((err) => (err ? reject(err) : resolve())),
      );
    },
  };
}
