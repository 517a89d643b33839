/**
 * An HTTP/1.1 client that writes its whole request before it reads a byte of the answer,
 * as Python's http.client and many Java clients do. It is the client that sees a broken
 * pipe or a reset when a server closes while the body is still coming, so it is the one
 * that proves an oversized body is answered in a way clients can read.
 */
import { connect } from 'node:net';

export interface SequentialRequest {
  port: number;
  host?: string;
  path?: string;
  /** Header lines as [name, value] pairs, so a header can be repeated. */
  headers: Array<[string, string]>;
  /** Body size in bytes (all `x`), sent in 64 KiB writes. */
  bodyBytes: number;
  /** Send `Content-Length` (default) or `Transfer-Encoding: chunked`. */
  chunked?: boolean;
  /** Send `Expect: 100-continue` and the body only after a 100. */
  expectContinue?: boolean;
}

export interface SequentialAnswer {
  /** 0 when no response could be read. */
  status: number;
  /** Interim 100 responses seen before the final one. */
  continues: number;
  headers: Record<string, string>;
  body: string;
  /** Bytes of the body written before the answer was read or writing failed. */
  bodyBytesSent: number;
  /** The socket error, if writing or reading failed (e.g. EPIPE, ECONNRESET). */
  error?: string;
}

const CHUNK = 64 * 1024;

/** Sends one request sequentially and reads the answer (until the server closes). */
export function sequentialRequest(r: SequentialRequest): Promise<SequentialAnswer> {
  return new Promise((resolve) => {
    const socket = connect({ port: r.port, host: r.host ?? '127.0.0.1' });
    const received: Buffer[] = [];
    let sent = 0;
    let error: string | undefined;
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      resolve({
        ...parse(Buffer.concat(received).toString('latin1')),
        bodyBytesSent: sent,
        ...(error ? { error } : {}),
      });
    };
    socket.on('error', (err: NodeJS.ErrnoException) => {
      error ??= err.code ?? err.message;
      finish();
    });
    socket.on('close', finish);
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    const head = [
      `POST ${r.path ?? '/'} HTTP/1.1`,
      `host: ${r.host ?? '127.0.0.1'}:${r.port}`,
      // One request per connection: the answer is complete when the server closes.
      'connection: close',
      ...r.headers.map(([n, v]) => `${n}: ${v}`),
      r.chunked ? 'transfer-encoding: chunked' : `content-length: ${r.bodyBytes}`,
      ...(r.expectContinue ? ['expect: 100-continue'] : []),
      '',
      '',
    ].join('\r\n');
    const sendBody = async (): Promise<void> => {
      const piece = Buffer.alloc(CHUNK, 'x');
      while (sent < r.bodyBytes && !socket.destroyed) {
        const n = Math.min(CHUNK, r.bodyBytes - sent);
        const data = r.chunked
          ? Buffer.concat([
              Buffer.from(`${n.toString(16)}\r\n`),
              piece.subarray(0, n),
              Buffer.from('\r\n'),
            ])
          : piece.subarray(0, n);
        sent += n;
        if (!socket.write(data)) await new Promise((ok) => socket.once('drain', ok));
      }
      if (r.chunked && !socket.destroyed) socket.write('0\r\n\r\n');
    };
    socket.on('connect', () => {
      // Not reading while writing is the point: pause, write everything, then read.
      socket.pause();
      socket.write(head, 'latin1');
      if (r.expectContinue) {
        socket.resume();
        void waitForInterim(received, socket).then((gotContinue) => {
          if (gotContinue) void sendBody();
        });
        return;
      }
      void sendBody().then(() => socket.resume());
    });
  });
}

/** Resolves true on `100 Continue`, false on a final status (the body must not be sent). */
function waitForInterim(received: Buffer[], socket: ReturnType<typeof connect>): Promise<boolean> {
  return new Promise((resolve) => {
    const check = (): void => {
      const text = Buffer.concat(received).toString('latin1');
      if (!text.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      resolve(/^HTTP\/1\.1 100/.test(text));
    };
    const onData = (): void => {
      setImmediate(check);
    };
    socket.on('data', onData);
    socket.once('close', () => resolve(false));
  });
}

function parse(text: string): Omit<SequentialAnswer, 'bodyBytesSent'> {
  let rest = text;
  let continues = 0;
  while (/^HTTP\/1\.1 100 /.test(rest)) {
    continues++;
    const end = rest.indexOf('\r\n\r\n');
    rest = end < 0 ? '' : rest.slice(end + 4);
  }
  const end = rest.indexOf('\r\n\r\n');
  if (end < 0) return { status: 0, continues, headers: {}, body: '' };
  const [statusLine = '', ...lines] = rest.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return {
    status: Number(statusLine.split(' ')[1] ?? 0),
    continues,
    headers,
    body: rest.slice(end + 4),
  };
}
