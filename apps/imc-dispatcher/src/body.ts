import type { IncomingMessage } from 'node:http';

export type BodyReading = { ok: true; body: Uint8Array } | { ok: false; tooLarge: true };

/**
 * Reads a request body of at most `limit` bytes. Above the limit it stops reading at once
 * (Content-Length checked before the first byte) instead of buffering without bound; the
 * caller answers 413 and closes the connection. Rejects when the client aborts.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyReading> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.resolve({ ok: false, tooLarge: true });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        resolve({ ok: false, tooLarge: true });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      const first = chunks.length === 1 ? chunks[0] : undefined;
      const body = first ?? Buffer.concat(chunks, size);
      resolve({ ok: true, body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength) });
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const onAborted = (): void => onError(new Error('client aborted the request'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}
