/**
 * Reading a request body with a byte limit. Above the limit nothing more is kept: a
 * declared Content-Length is checked before the first byte (and a client waiting for
 * `100 Continue` is never told to send), a streamed body stops being buffered the moment
 * it passes the limit. The caller answers 413 with `writeRefusal`, which drains the rest
 * (oversized.ts) so the client reads the answer.
 */
import type { IncomingMessage } from 'node:http';
import { DeliveryError, DeliveryErrorCode } from '../errors.js';
import { releaseContinue } from './continue.js';

export type BodyReading = { ok: true; body: Uint8Array } | { ok: false; tooLarge: true };

/** Reads at most `limit` bytes of `req`; rejects with DELIVERY_ERR_TRANSPORT when the client aborts. */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyReading> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.resolve({ ok: false, tooLarge: true });
  }
  releaseContinue(req);
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        chunks = [];
        resolve({ ok: false, tooLarge: true });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      const body = chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, size);
      resolve({ ok: true, body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength) });
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(
        new DeliveryError(
          DeliveryErrorCode.Transport,
          `reading the request body failed: ${err.message}`,
          { url: req.url, received: size },
          { cause: err },
        ),
      );
    };
    // 'close' before 'end' means the client went away mid-body.
    const onClose = (): void => {
      if (!req.complete) onError(new Error('client closed the connection'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
